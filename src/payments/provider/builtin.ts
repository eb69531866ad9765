import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db, Trx } from '../../platform/db/database.ts';
import { conflict, DomainError, notFound } from '../../platform/errors.ts';
import { FINISHED_STATES, PAYMENT_STATES, stateRank, type PaymentProvider, type PaymentState, type ProviderPaymentStatus, type ProviderWebhookEvent } from './port.ts';
import { SIGNATURE_HEADER, signWebhook, verifySignature } from './signature.ts';
import * as store from './store.ts';

// A payment provider that behaves like an external acquirer's hosted payment page, kept in this process
// so that smartgov runs with no outside account: its own tables, its own pages under /pay/provider, and
// webhooks sent over HTTP to our endpoint like any other provider's.
export const EXPIRY_MINUTES = 90;
export const WEBHOOK_PATH = '/api/v1/payments/webhooks/builtin';
/** Sandbox cards, as acquirers publish them: these two fail; any other 12–19 digits are approved. */
export const DECLINED_CARD = '4000000000000002';
export const ERROR_CARD = '4000000000000119';

export interface BuiltinProviderOptions { db: Db; baseUrl: string; secret: string; logger: Logger }
export type BuiltinProvider = ReturnType<typeof builtinPaymentProvider>;
export type HostedPayment = store.ProviderPaymentRow;
interface Step { state: PaymentState; reason?: string }

const present = (row: store.ProviderPaymentRow): ProviderPaymentStatus => ({
  providerPaymentId: row.id, reference: row.reference, state: row.state, finished: row.finished, amountCents: row.amount_cents, refundedCents: row.refunded_cents,
});

export function builtinPaymentProvider(options: BuiltinProviderOptions) {
  const { db, secret, logger, baseUrl } = options;

  /**
   * Applies steps under the payment's row lock, each with its outgoing webhook; states only move forward and a
   * finished payment never changes. A payment past its expiry is cancelled first, whatever was asked.
   */
  async function transition(id: string, decide: (row: store.ProviderPaymentRow) => Step[], now = new Date()): Promise<store.ProviderPaymentRow> {
    const events: store.WebhookEventRow[] = [];
    const row = await db.transaction().execute(async (trx: Trx) => {
      let row = await store.paymentForUpdate(trx, id);
      if (!row) throw notFound('The payment');
      const steps = !row.finished && row.expires_at <= now ? [{ state: 'cancelled' as const, reason: 'expired' }] : decide(row);
      for (const step of steps) {
        if (row.finished || stateRank(step.state) <= stateRank(row.state)) continue;
        row = await store.updateState(trx, row.id, step.state, FINISHED_STATES.includes(step.state), step.reason ?? null);
        const body: ProviderWebhookEvent & { occurredAt: string } = { eventId: randomUUID(), ...present(row), occurredAt: new Date().toISOString() };
        events.push(await store.insertWebhookEvent(trx, row.id, row.webhook_url, body));
      }
      return row;
    });
    for (const event of events) void deliver(event);
    return row;
  }

  /** Sends one webhook, signed at the moment of sending; a failure is logged and retried later (see redeliver). */
  async function deliver(event: store.WebhookEventRow): Promise<boolean> {
    const body = JSON.stringify(event.body);
    try {
      const response = await fetch(event.webhook_url, {
        method: 'POST', body, signal: AbortSignal.timeout(10_000),
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, body) },
      });
      if (response.ok) {
        await store.markDelivered(db, event.id);
        return true;
      }
      logger.warn({ status: response.status, eventId: event.id }, 'payment provider webhook refused');
    } catch (error) {
      logger.warn({ err: error, eventId: event.id }, 'payment provider webhook not delivered');
    }
    await store.recordFailedAttempt(db, event.id).catch(() => undefined);
    return false;
  }

  /**
   * Sends again the webhooks that are due a retry and that this process claims (several processes run this loop on one
   * database: each event goes out from one of them at a time); returns how many were accepted this time.
   */
  async function redeliver(now = new Date(), limit = 100): Promise<number> {
    let accepted = 0;
    for (const event of await store.claimDueWebhookEvents(db, now, limit)) if (await deliver(event)) accepted++;
    return accepted;
  }

  const finishedAlready = () => conflict('This payment is already finished.');

  const port: PaymentProvider = {
    name: 'builtin',
    async create(input) {
      const row = await store.insertPaymentOnce(db, {
        amount_cents: input.amountCents, description: input.description, reference: input.reference, return_url: input.returnUrl,
        webhook_url: `${baseUrl}${WEBHOOK_PATH}`, failure_reason: null, expires_at: new Date(Date.now() + EXPIRY_MINUTES * 60_000),
      });
      return { providerPaymentId: row.id, nextUrl: `${baseUrl}/pay/provider/payments/${row.id}` };
    },
    async status(providerPaymentId) {
      return present(await transition(providerPaymentId, () => []));
    },
    async refund(providerPaymentId, amountCents, idempotencyKey) {
      return db.transaction().execute(async (trx) => {
        const row = await store.paymentForUpdate(trx, providerPaymentId);
        if (!row) throw notFound('The payment');
        const existing = await store.refundByKey(trx, row.id, idempotencyKey);
        if (existing) {
          if (existing.amount_cents !== amountCents) throw conflict('This idempotency key was used for a refund of a different amount.');
          return { refundId: existing.id, amountCents };
        }
        if (row.state !== 'success') throw conflict('Only a successful payment can be refunded.');
        if (row.refunded_cents + amountCents > row.amount_cents) throw conflict('A refund cannot take the total refunded above the amount paid.');
        const refund = await store.insertRefund(trx, row.id, amountCents, idempotencyKey);
        return { refundId: refund.id, amountCents };
      });
    },
    verifyWebhook(rawBody, headers) {
      verifySignature(secret, rawBody, headers[SIGNATURE_HEADER]);
      const event = JSON.parse(rawBody) as ProviderWebhookEvent;
      if (typeof event.providerPaymentId !== 'string' || !(PAYMENT_STATES as readonly string[]).includes(event.state)) {
        throw new DomainError('invalid_input', 'The webhook body is not a payment event.');
      }
      return event;
    },
  };

  return {
    ...port,
    transition,
    deliver,
    redeliver,
    hosted: (id: string) => store.paymentById(db, id),
    /** The payer opened the hosted page. */
    open: (id: string, now?: Date) => transition(id, (row) => (row.state === 'created' ? [{ state: 'started' }] : []), now),
    /** The payer submitted card details: the acquirer authorises them at once. */
    pay: (id: string, cardNumber: string, now?: Date) => transition(id, (row) => {
      if (row.finished) throw finishedAlready();
      const outcome: PaymentState = cardNumber === DECLINED_CARD ? 'failed' : cardNumber === ERROR_CARD ? 'error' : 'success';
      return [{ state: 'submitted' }, { state: outcome, ...(outcome === 'success' ? {} : { reason: outcome === 'failed' ? 'card declined' : 'processing error' }) }];
    }, now),
    cancel: (id: string, now?: Date) => transition(id, (row) => {
      if (row.finished) throw finishedAlready();
      return [{ state: 'cancelled', reason: 'cancelled by payer' }];
    }, now),
  };
}
