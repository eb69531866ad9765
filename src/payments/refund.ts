import { Type, type Static } from 'typebox';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput } from '../platform/errors.ts';
import type { PaymentDeps } from './deps.ts';
import * as store from './store.ts';

export const Refund = Type.Object({
  id: Type.String({ format: 'uuid' }),
  paymentId: Type.String({ format: 'uuid' }),
  amountCents: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Refund = Static<typeof Refund>;

const presentRefund = (row: store.RefundRow): Refund => ({ id: row.id, paymentId: row.payment_id, amountCents: row.amount_cents, createdAt: row.created_at.toISOString() });

/**
 * An approver or admin of the payment's organisation refunds part or all of it. The payment's row lock makes
 * concurrent refunds queue, so the total never exceeds what was paid; the key makes a retry return the same refund.
 */
export async function refundPayment(deps: PaymentDeps, ctx: RequestContext, paymentId: string, amountCents: number, idempotencyKey: string): Promise<{ refund: Refund; created: boolean }> {
  const staff = requireRole(ctx.actor, 'approver', 'organisation_admin');
  if (!/^[A-Za-z0-9_.:-]{8,200}$/.test(idempotencyKey)) throw invalidInput([{ field: 'headers.idempotency-key', reason: 'must be 8–200 letters, digits or _.:-' }]);
  return deps.db.transaction().execute(async (trx) => {
    const payment = await store.paymentForUpdate(trx, paymentId);
    assertOrganisationRecord(staff, payment?.organisation_id ?? null, 'The payment');
    const existing = await store.refundByKey(trx, paymentId, idempotencyKey);
    if (existing) {
      if (existing.amount_cents !== amountCents) throw conflict('This Idempotency-Key was already used for a refund of a different amount.');
      return { refund: presentRefund(existing), created: false };
    }
    if (payment!.state !== 'success') throw conflict('Only a successful payment can be refunded.');
    if (payment!.refunded_cents + amountCents > payment!.amount_cents) {
      throw conflict(`A refund cannot take the total refunded above the amount paid (${payment!.amount_cents - payment!.refunded_cents} cents left).`);
    }
    const provided = await deps.provider.refund(payment!.provider_payment_id!, amountCents, `${paymentId}:${idempotencyKey}`);
    const row = await store.insertRefund(trx, { payment_id: paymentId, amount_cents: amountCents, idempotency_key: idempotencyKey, provider_refund_id: provided.refundId, created_by_id: staff.id });
    await recordAudit(trx, ctx, { action: 'payment.refunded', recordType: 'payment', recordId: paymentId, organisationId: payment!.organisation_id, detail: { amountCents, refundId: row.id } });
    return { refund: presentRefund(row), created: true };
  });
}

export async function listRefunds(deps: PaymentDeps, ctx: RequestContext, paymentId: string): Promise<Refund[]> {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  const payment = await store.paymentById(deps.db, paymentId);
  assertOrganisationRecord(staff, payment?.organisation_id ?? null, 'The payment');
  return (await store.refundsOfPayment(deps.db, paymentId)).map(presentRefund);
}
