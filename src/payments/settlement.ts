import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit, type AuditEntry } from '../platform/audit/index.ts';
import { conflict, notFound } from '../platform/errors.ts';
import { FINISHED_STATES, stateRank, type ProviderPaymentStatus } from './provider/port.ts';
import { presentPayment, type Payment } from './payment.ts';
import { DUPLICATE_REFUND_KEY, sendRefund } from './refund.ts';
import type { PaymentDeps } from './deps.ts';
import { BILL_PURPOSE, paysForRecord as paysForRecordOf, recordPurposes, settledHandlerFor } from './settled-handlers.ts';
import { billPaidEntry } from './bill.ts';
import * as store from './store.ts';

/** Where a problem that must not fail the caller is told (pino's and Fastify's loggers both fit). */
export interface Warnings { warn(details: object, message: string): void }

export interface Applied {
  payment: Payment;
  changed: boolean;
  settled: boolean;
  /** Set when this news settled a duplicate payment: its full refund, reserved, for the caller to send after commit. */
  duplicateRefund?: { refund: store.RefundRow; payment: store.PaymentRow };
}

/**
 * Takes the provider's word about a payment (a webhook, the payer's return, reconciliation) under the payment's row
 * lock. News that arrives late, twice or out of order changes nothing: a state only moves forward, a finished
 * payment never changes again, so each payment settles exactly once.
 */
export async function applyProviderStatus(db: Db, ctx: RequestContext, provider: string, status: ProviderPaymentStatus): Promise<Applied> {
  const finished = FINISHED_STATES.includes(status.state);
  const settled = status.state === 'success';
  return db.transaction().execute(async (trx) => {
    let row = await store.advancePayment(trx, provider, status.providerPaymentId, { state: status.state, rank: stateRank(status.state), finished, amountCents: status.amountCents, recordPurposes: recordPurposes() });
    if (!row) {
      // Nothing moved: say why only when it is an error (unknown payment, wrong amount); old news is no error.
      const current = await store.paymentByProviderId(trx, provider, status.providerPaymentId);
      if (!current) throw notFound('The payment');
      if (!current.finished && current.amount_cents !== status.amountCents) throw conflict('The provider reports a different amount for this payment.');
      return { payment: presentPayment(current), changed: false, settled: false };
    }
    const paysForRecord = settled && row.reference !== null && paysForRecordOf(row.purpose);
    // A bill this payment marks paid had no earlier payment; otherwise look, under the record's lock (taken above).
    const billPaid = paysForRecord && row.purpose === BILL_PURPOSE && (await store.markBillPaid(trx, row.reference!, row.id));
    let duplicateRefund: Applied['duplicateRefund'];
    if (paysForRecord && !billPaid) {
      const first = await store.settledPaymentFor(trx, row.purpose, row.reference!, row.id);
      if (first) {
        await store.markDuplicate(trx, row.id, first.id);
        const refund = await store.insertRefund(trx, { payment_id: row.id, amount_cents: row.amount_cents, idempotency_key: DUPLICATE_REFUND_KEY, provider_refund_id: null, created_by_id: null });
        row = (await store.paymentById(trx, row.id))!;
        duplicateRefund = { refund, payment: row };
      }
    }
    const updated = presentPayment(row);
    if (finished) {
      const entries: AuditEntry[] = [{
        action: settled ? 'payment.settled' : `payment.${status.state}`, recordType: 'payment', recordId: row.id, organisationId: row.organisation_id,
        detail: { purpose: row.purpose, reference: row.reference, amountCents: row.amount_cents, ...(row.duplicate_of ? { duplicateOf: row.duplicate_of } : {}) },
      }];
      if (billPaid) entries.push(billPaidEntry(updated));
      await recordAudit(trx, ctx, entries);
    }
    const handler = settled && !duplicateRefund ? settledHandlerFor(row.purpose) : undefined;
    if (handler) await handler(trx, ctx, updated);
    return { payment: updated, changed: true, settled, ...(duplicateRefund ? { duplicateRefund } : {}) };
  });
}

/**
 * Applies the provider's word, then sends a duplicate payment's refund once the settlement is committed. Not reaching
 * the provider for that refund does not undo the settlement: the refund stays reserved and reconciliation sends it.
 */
export async function settleFromProvider(deps: PaymentDeps, ctx: RequestContext, status: ProviderPaymentStatus, logger?: Warnings): Promise<Applied> {
  const applied = await applyProviderStatus(deps.db, ctx, deps.provider.name, status);
  if (applied.duplicateRefund) {
    const { refund, payment } = applied.duplicateRefund;
    try {
      await sendRefund(deps, ctx, refund, payment, 'duplicate');
    } catch (error) {
      logger?.warn({ err: error, paymentId: payment.id }, 'duplicate payment not refunded yet; reconciliation will retry');
    }
  }
  return applied;
}
