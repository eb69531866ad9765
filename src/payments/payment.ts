import { createHash } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireStaff } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound } from '../platform/errors.ts';
import type { Queryable } from '../platform/db/database.ts';
import { PAYMENT_STATES, type PaymentState } from './provider/port.ts';
import type { PaymentDeps } from './deps.ts';
import { paysForRecord } from './settled-handlers.ts';
import * as store from './store.ts';

export const Payment = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organisationId: Type.String({ format: 'uuid' }),
  itemId: Type.String({ format: 'uuid' }),
  purpose: Type.String({ description: "What the payment is for: 'fee' (an application fee), 'bill', or another module's purpose" }),
  reference: Type.Union([Type.String(), Type.Null()], { description: 'The record paid for, e.g. an application id' }),
  amountCents: Type.Integer(),
  state: Type.Unsafe<PaymentState>({ type: 'string', enum: [...PAYMENT_STATES] }),
  finished: Type.Boolean(),
  refundedCents: Type.Integer(),
  duplicateOf: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Set when what this paid for was already paid by that payment: this one is then refunded in full' }),
  createdAt: Type.String({ format: 'date-time' }),
  settledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  payUrl: Type.String({ description: 'Where to send the payer: our page, which leads to the provider' }),
});
export type Payment = Static<typeof Payment>;

export const presentPayment = (row: store.PaymentRow): Payment => ({
  id: row.id, organisationId: row.organisation_id, itemId: row.item_id, purpose: row.purpose, reference: row.reference, amountCents: row.amount_cents,
  state: row.state, finished: row.finished, refundedCents: row.refunded_cents, duplicateOf: row.duplicate_of, createdAt: row.created_at.toISOString(),
  settledAt: row.settled_at?.toISOString() ?? null, payUrl: `/payments/${row.id}`,
});

export interface NewPayment {
  itemId: string;
  purpose: string;
  reference?: string | null;
  /** Chosen by the client; a retry with the same key and body gets the same payment. */
  idempotencyKey: string;
  /** Keys are unique per scope (by default, per actor). */
  idempotencyScope?: string;
}

const requestHash = (input: NewPayment) => createHash('sha256').update(JSON.stringify([input.itemId, input.purpose, input.reference ?? null])).digest('hex');
const actorScope = (ctx: RequestContext) => `${ctx.actor.kind}:${ctx.actor.id ?? ctx.actor.label}`;

/**
 * Creates a payment and its provider payment, once per idempotency key: the same key and body return the first
 * payment (created: false); the same key with another body is a conflict. The provider is asked between two short
 * transactions, never inside one, and is idempotent by our payment id, so a retry after a crash (or a concurrent
 * retry) completes the same payment. Callers authorize the payer.
 */
export async function createPayment(deps: PaymentDeps, ctx: RequestContext, input: NewPayment): Promise<{ payment: Payment; created: boolean }> {
  if (!/^[A-Za-z0-9_.:-]{8,200}$/.test(input.idempotencyKey)) throw invalidInput([{ field: 'headers.idempotency-key', reason: 'must be 8–200 letters, digits or _.:-' }]);
  const scope = input.idempotencyScope ?? actorScope(ctx);
  const hash = requestHash(input);
  const item = await store.itemById(deps.db, input.itemId);
  if (!item) throw notFound('The payment item');
  const inserted = await store.insertPaymentOnce(deps.db, {
    organisation_id: item.organisation_id, item_id: item.id, purpose: input.purpose, reference: input.reference ?? null, amount_cents: item.amount_cents,
    provider: deps.provider.name, provider_payment_id: null, next_url: null, settled_at: null, idempotency_scope: scope, idempotency_key: input.idempotencyKey,
    request_hash: hash, created_by_kind: ctx.actor.kind, created_by_id: ctx.actor.id,
  });
  const first = inserted ?? (await store.paymentByKey(deps.db, scope, input.idempotencyKey));
  if (!first || first.request_hash !== hash) throw conflict('This Idempotency-Key was already used for a different payment.');
  if (first.provider_payment_id) return { payment: presentPayment(first), created: false };
  const hosted = await deps.provider.create({
    amountCents: first.amount_cents, description: item.name_en, reference: first.id, returnUrl: `${deps.baseUrl}/payments/${first.id}/return`,
  });
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.attachProviderPayment(trx, first.id, hosted.providerPaymentId, hosted.nextUrl);
    if (!row) return { payment: presentPayment((await store.paymentById(trx, first.id))!), created: false };
    await recordAudit(trx, ctx, {
      action: 'payment.created', recordType: 'payment', recordId: row.id, organisationId: row.organisation_id,
      detail: { purpose: row.purpose, reference: row.reference, amountCents: row.amount_cents, revenueCode: item.revenue_code },
    });
    return { payment: presentPayment(row), created: inserted !== undefined };
  });
}

/** A department's own staff take a payment at the counter or by phone for one of their items. */
export async function createCounterPayment(deps: PaymentDeps, ctx: RequestContext, input: NewPayment) {
  const staff = requireStaff(ctx.actor);
  const item = await store.itemById(deps.db, input.itemId);
  assertOrganisationRecord(staff, item?.organisation_id ?? null, 'The payment item');
  return createPayment(deps, ctx, input);
}

/** Anyone holding the payment's id (the payment link) may see it: the id is a random UUID, as unguessable as a token. */
export async function getPayment(db: Queryable, id: string): Promise<Payment> {
  const row = await store.paymentById(db, id);
  if (!row) throw notFound('The payment');
  return presentPayment(row);
}

/**
 * Where the payer continues: the provider's hosted page, while the payment is unfinished and what it pays for has not
 * been paid meanwhile (by the same payer in another tab, say): paying then would only be refunded. Otherwise why not,
 * for the page to say in the payer's language.
 */
export async function hostedPageUrl(db: Queryable, id: string): Promise<{ url: string } | { stopped: 'finishedAlready' | 'paidElsewhere' }> {
  const row = await store.paymentById(db, id);
  if (!row || !row.next_url) throw notFound('The payment');
  if (row.finished) return { stopped: 'finishedAlready' };
  if (row.reference && paysForRecord(row.purpose) && (await store.settledPaymentFor(db, row.purpose, row.reference, row.id))) return { stopped: 'paidElsewhere' };
  return { url: row.next_url };
}

/** For other modules: the successful payments for a record, e.g. `findSettledPayments(db, 'fee', applicationId)`. */
export async function findSettledPayments(db: Queryable, purpose: string, reference: string): Promise<Payment[]> {
  return (await store.settledPaymentsByReference(db, purpose, reference)).map(presentPayment);
}

/** A department's own payments, newest first, for its staff. */
export async function listOrganisationPayments(db: Queryable, ctx: RequestContext, limit = 100): Promise<Payment[]> {
  const staff = requireStaff(ctx.actor);
  return (await store.paymentsOfOrganisation(db, staff.organisationId, limit)).map(presentPayment);
}

/** One payment for staff: another organisation's is "not found", exactly like one that does not exist. */
export async function getOrganisationPayment(db: Queryable, ctx: RequestContext, id: string): Promise<Payment> {
  const row = await store.paymentById(db, id);
  assertOrganisationRecord(ctx.actor, row?.organisation_id ?? null, 'The payment');
  return presentPayment(row!);
}
