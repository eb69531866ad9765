import type { Db, Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { FINISHED_STATES, stateRank, type ProviderPaymentStatus } from './provider/port.ts';
import { presentPayment, type Payment } from './payment.ts';
import * as store from './store.ts';

/** Runs in the settlement's own transaction, so the paid-for record moves on exactly when the payment settles. */
export type SettledHandler = (trx: Trx, ctx: RequestContext, payment: Payment) => Promise<void>;

// By purpose, so registering again (a second app in the same process) replaces rather than doubles.
const settledHandlers = new Map<string, SettledHandler>();

/** Another module asks to hear, once, when a payment with its purpose succeeds, e.g. `onPaymentSettled('fee', …)`. */
export function onPaymentSettled(purpose: string, handler: SettledHandler): void {
  settledHandlers.set(purpose, handler);
}

export interface Applied { payment: Payment; changed: boolean; settled: boolean }

/**
 * Takes the provider's word about a payment (a webhook, the payer's return, reconciliation) under the payment's row
 * lock. News that arrives late, twice or out of order changes nothing: a state only moves forward, a finished
 * payment never changes again, so each payment settles exactly once.
 */
export async function applyProviderStatus(db: Db, ctx: RequestContext, provider: string, status: ProviderPaymentStatus): Promise<Applied> {
  const finished = FINISHED_STATES.includes(status.state);
  const settled = status.state === 'success';
  return db.transaction().execute(async (trx) => {
    const row = await store.advancePayment(trx, provider, status.providerPaymentId, { state: status.state, rank: stateRank(status.state), finished, amountCents: status.amountCents });
    if (!row) {
      // Nothing moved: say why only when it is an error (unknown payment, wrong amount); old news is no error.
      const current = await store.paymentByProviderId(trx, provider, status.providerPaymentId);
      if (!current) throw notFound('The payment');
      if (!current.finished && current.amount_cents !== status.amountCents) throw conflict('The provider reports a different amount for this payment.');
      return { payment: presentPayment(current), changed: false, settled: false };
    }
    const updated = presentPayment(row);
    if (finished) {
      await recordAudit(trx, ctx, {
        action: settled ? 'payment.settled' : `payment.${status.state}`, recordType: 'payment', recordId: row.id, organisationId: row.organisation_id,
        detail: { purpose: row.purpose, reference: row.reference, amountCents: row.amount_cents },
      });
    }
    if (settled) await settledHandlers.get(row.purpose)?.(trx, ctx, updated);
    return { payment: updated, changed: true, settled };
  });
}
