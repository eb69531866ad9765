import { Type, type Static } from 'typebox';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError, invalidInput, notFound } from '../platform/errors.ts';
import type { Queryable } from '../platform/db/database.ts';
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

/** Why a refund was refused, for pages to say in the reader's language (the API shows the English detail). */
export type RefundRefusal = 'pending' | 'tooMuch' | 'notPaid' | 'keyReused' | 'provider';

/** A refund refused by our rules or by the provider: nothing was refunded (or the earlier refund stands). */
export class RefundRefused extends DomainError {
  constructor(readonly refusal: RefundRefusal, detail: string) {
    super('conflict', detail);
  }
}

/** The provider was not reached or did not answer: the refund stays reserved, to be sent again with the same key. */
export class RefundNotSent extends DomainError {
  constructor(cause: unknown) {
    super('unavailable', 'The payment provider did not confirm the refund. It is kept and sent again automatically, or send it again with the same Idempotency-Key.', { retryAfterSeconds: 60 });
    this.cause = cause;
  }
}

/**
 * An approver or admin of the payment's organisation refunds part or all of it. The amount is reserved under the
 * payment's row lock first, so concurrent refunds can never together exceed what was paid; then the provider is
 * asked (outside any transaction, idempotent by key); then the refund is confirmed and audited, or released if the
 * provider refused. The same key returns the same refund, and completes one that a crash or an outage left half done;
 * a new key is refused while such a refund is pending, so that a retry with a fresh form can never refund twice.
 */
export async function refundPayment(deps: PaymentDeps, ctx: RequestContext, paymentId: string, amountCents: number, idempotencyKey: string): Promise<{ refund: Refund; created: boolean }> {
  const staff = requireRole(ctx.actor, 'approver', 'organisation_admin');
  if (!/^[A-Za-z0-9_.:-]{8,200}$/.test(idempotencyKey)) throw invalidInput([{ field: 'headers.idempotency-key', reason: 'must be 8–200 letters, digits or _.:-' }]);
  const reserved = await deps.db.transaction().execute(async (trx) => {
    const payment = await store.paymentForUpdate(trx, paymentId);
    assertOrganisationRecord(staff, payment?.organisation_id ?? null, 'The payment');
    const existing = await store.refundByKey(trx, paymentId, idempotencyKey);
    if (existing) {
      if (existing.amount_cents !== amountCents) throw new RefundRefused('keyReused', 'This Idempotency-Key was already used for a refund of a different amount.');
      return { refund: existing, payment: payment!, created: false };
    }
    if (payment!.state !== 'success') throw new RefundRefused('notPaid', 'Only a successful payment can be refunded.');
    const pending = (await store.unconfirmedRefunds(trx, paymentId))[0];
    if (pending) {
      throw new RefundRefused('pending', `A refund of ${pending.amount_cents} cents is still waiting for the payment provider: send it again with its own Idempotency-Key before making another.`);
    }
    if (payment!.refunded_cents + amountCents > payment!.amount_cents) {
      throw new RefundRefused('tooMuch', `A refund cannot take the total refunded above the amount paid (${payment!.amount_cents - payment!.refunded_cents} cents left).`);
    }
    const refund = await store.insertRefund(trx, { payment_id: paymentId, amount_cents: amountCents, idempotency_key: idempotencyKey, provider_refund_id: null, created_by_id: staff.id });
    return { refund, payment: payment!, created: true };
  });
  if (reserved.refund.provider_refund_id) return { refund: presentRefund(reserved.refund), created: false };
  const sent = await sendRefund(deps, ctx, reserved.refund, reserved.payment);
  return { refund: sent.refund, created: sent.confirmed && reserved.created };
}

/** An approver or admin sends again a refund the provider has not confirmed: the same reservation, the same key. */
export async function sendPendingRefund(deps: PaymentDeps, ctx: RequestContext, paymentId: string, refundId: string): Promise<Refund> {
  const staff = requireRole(ctx.actor, 'approver', 'organisation_admin');
  const payment = await store.paymentById(deps.db, paymentId);
  assertOrganisationRecord(staff, payment?.organisation_id ?? null, 'The payment');
  const refund = await store.refundById(deps.db, refundId);
  if (!refund || refund.payment_id !== paymentId) throw notFound('The refund');
  if (refund.provider_refund_id) return presentRefund(refund);
  return (await sendRefund(deps, ctx, refund, payment!, reasonOf(refund))).refund;
}

/** Why a refund was made, for the audit log: a person's decision, or a duplicate payment returned automatically. */
export type RefundReason = 'requested' | 'duplicate';
export const reasonOf = (refund: store.RefundRow): RefundReason => (refund.idempotency_key === DUPLICATE_REFUND_KEY ? 'duplicate' : 'requested');

/**
 * Sends a reserved refund to the provider (outside any transaction; idempotent by the refund's key, so sending again
 * after a crash or alongside another sender refunds once) and confirms and audits it once. A refusal by the provider
 * gives a person's refund back (they were told, and may decide again); a duplicate payment's is kept, since the payer
 * is owed it, and marked for an operator (audited). A failure to reach the provider leaves the refund reserved for
 * reconciliation or a person to send again.
 */
export async function sendRefund(deps: PaymentDeps, ctx: RequestContext, refund: store.RefundRow, payment: store.PaymentRow, reason: RefundReason = 'requested'): Promise<{ refund: Refund; confirmed: boolean }> {
  let providerRefundId: string;
  try {
    providerRefundId = (await deps.provider.refund(payment.provider_payment_id!, refund.amount_cents, `${payment.id}:${refund.idempotency_key}`)).refundId;
  } catch (error) {
    if (!(error instanceof DomainError && error.status < 500)) throw new RefundNotSent(error);
    if (reason === 'duplicate') await keepRefusedRefund(deps, ctx, refund, payment, error.message);
    else await store.releaseRefund(deps.db, refund.id);
    throw new RefundRefused('provider', `The payment provider refused the refund: ${error.message}`);
  }
  return deps.db.transaction().execute(async (trx) => {
    const confirmed = await store.confirmRefund(trx, refund.id, providerRefundId);
    if (!confirmed) return { refund: presentRefund((await store.refundById(trx, refund.id))!), confirmed: false };
    await recordAudit(trx, ctx, {
      action: 'payment.refunded', recordType: 'payment', recordId: payment.id, organisationId: payment.organisation_id,
      detail: { amountCents: refund.amount_cents, refundId: confirmed.id, reason },
    });
    return { refund: presentRefund(confirmed), confirmed: true };
  });
}

async function keepRefusedRefund(deps: PaymentDeps, ctx: RequestContext, refund: store.RefundRow, payment: store.PaymentRow, refusal: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await store.markRefundRefused(trx, refund.id, refusal))) return;
    await recordAudit(trx, ctx, {
      action: 'payment.refund_refused', recordType: 'payment', recordId: payment.id, organisationId: payment.organisation_id,
      detail: { amountCents: refund.amount_cents, refundId: refund.id, reason: 'duplicate', refusal },
    });
  });
}

/** The key of the one automatic refund a duplicate payment gets (a space: no key a person sends can take it). */
export const DUPLICATE_REFUND_KEY = 'duplicate payment';

/** Where a duplicate payment's automatic refund stands, for the payer's page and receipt. */
export async function duplicateRefundState(db: Queryable, paymentId: string): Promise<'refunded' | 'refunding' | undefined> {
  const refund = await store.refundByKey(db, paymentId, DUPLICATE_REFUND_KEY);
  return refund ? (refund.provider_refund_id ? 'refunded' : 'refunding') : undefined;
}

/** A refund the provider has not confirmed, for the console: sent again from there (or by reconciliation, unless refused). */
export interface PendingRefund { id: string; amountCents: number; createdAt: string; reason: RefundReason; refusedAt: string | null }

export async function listPendingRefunds(deps: PaymentDeps, ctx: RequestContext, paymentId: string): Promise<PendingRefund[]> {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  const payment = await store.paymentById(deps.db, paymentId);
  assertOrganisationRecord(staff, payment?.organisation_id ?? null, 'The payment');
  return (await store.unconfirmedRefunds(deps.db, paymentId)).map((r) => ({
    id: r.id, amountCents: r.amount_cents, createdAt: r.created_at.toISOString(), reason: reasonOf(r), refusedAt: r.refused_at?.toISOString() ?? null,
  }));
}

export async function listRefunds(deps: PaymentDeps, ctx: RequestContext, paymentId: string): Promise<Refund[]> {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  const payment = await store.paymentById(deps.db, paymentId);
  assertOrganisationRecord(staff, payment?.organisation_id ?? null, 'The payment');
  return (await store.refundsOfPayment(deps.db, paymentId)).filter((r) => r.provider_refund_id !== null).map(presentRefund);
}
