import { Type, type Static } from 'typebox';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, DomainError, invalidInput } from '../platform/errors.ts';
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
 * An approver or admin of the payment's organisation refunds part or all of it. The amount is reserved under the
 * payment's row lock first, so concurrent refunds can never together exceed what was paid; then the provider is
 * asked (outside any transaction, idempotent by key); then the refund is confirmed and audited, or released if the
 * provider refused. The same key returns the same refund, and completes one that a crash left half done.
 */
export async function refundPayment(deps: PaymentDeps, ctx: RequestContext, paymentId: string, amountCents: number, idempotencyKey: string): Promise<{ refund: Refund; created: boolean }> {
  const staff = requireRole(ctx.actor, 'approver', 'organisation_admin');
  if (!/^[A-Za-z0-9_.:-]{8,200}$/.test(idempotencyKey)) throw invalidInput([{ field: 'headers.idempotency-key', reason: 'must be 8–200 letters, digits or _.:-' }]);
  const reserved = await deps.db.transaction().execute(async (trx) => {
    const payment = await store.paymentForUpdate(trx, paymentId);
    assertOrganisationRecord(staff, payment?.organisation_id ?? null, 'The payment');
    const existing = await store.refundByKey(trx, paymentId, idempotencyKey);
    if (existing) {
      if (existing.amount_cents !== amountCents) throw conflict('This Idempotency-Key was already used for a refund of a different amount.');
      return { refund: existing, payment: payment!, created: false };
    }
    if (payment!.state !== 'success') throw conflict('Only a successful payment can be refunded.');
    if (payment!.refunded_cents + amountCents > payment!.amount_cents) {
      throw conflict(`A refund cannot take the total refunded above the amount paid (${payment!.amount_cents - payment!.refunded_cents} cents left).`);
    }
    const refund = await store.insertRefund(trx, { payment_id: paymentId, amount_cents: amountCents, idempotency_key: idempotencyKey, provider_refund_id: null, created_by_id: staff.id });
    return { refund, payment: payment!, created: true };
  });
  if (reserved.refund.provider_refund_id) return { refund: presentRefund(reserved.refund), created: false };
  let providerRefundId: string;
  try {
    providerRefundId = (await deps.provider.refund(reserved.payment.provider_payment_id!, amountCents, `${paymentId}:${idempotencyKey}`)).refundId;
  } catch (error) {
    if (error instanceof DomainError && error.status < 500) await store.releaseRefund(deps.db, reserved.refund.id);
    throw error;
  }
  return deps.db.transaction().execute(async (trx) => {
    const confirmed = await store.confirmRefund(trx, reserved.refund.id, providerRefundId);
    if (!confirmed) return { refund: presentRefund((await store.refundByKey(trx, paymentId, idempotencyKey))!), created: false };
    await recordAudit(trx, ctx, { action: 'payment.refunded', recordType: 'payment', recordId: paymentId, organisationId: reserved.payment.organisation_id, detail: { amountCents, refundId: confirmed.id } });
    return { refund: presentRefund(confirmed), created: reserved.created };
  });
}

export async function listRefunds(deps: PaymentDeps, ctx: RequestContext, paymentId: string): Promise<Refund[]> {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  const payment = await store.paymentById(deps.db, paymentId);
  assertOrganisationRecord(staff, payment?.organisation_id ?? null, 'The payment');
  return (await store.refundsOfPayment(deps.db, paymentId)).filter((r) => r.provider_refund_id !== null).map(presentRefund);
}
