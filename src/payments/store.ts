import { sql, type ColumnType, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db, Queryable } from '../platform/db/database.ts';
import type { PaymentState } from './provider/port.ts';

interface PaymentItemsTable {
  id: Generated<string>;
  organisation_id: string;
  name_en: string;
  name_zh_hk: string;
  name_zh_cn: string;
  amount_cents: number;
  revenue_code: string;
  created_at: Generated<Date>;
}
interface PaymentsTable {
  id: Generated<string>;
  organisation_id: string;
  item_id: string;
  purpose: string;
  reference: string | null;
  amount_cents: number;
  provider: string;
  provider_payment_id: string | null;
  next_url: string | null;
  state: Generated<PaymentState>;
  finished: Generated<boolean>;
  settled_at: Date | null;
  refunded_cents: Generated<number>;
  duplicate_of: Generated<string | null>;
  idempotency_scope: string;
  idempotency_key: string;
  request_hash: string;
  created_by_kind: string;
  created_by_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
interface PaymentRefundsTable {
  id: Generated<string>;
  payment_id: string;
  amount_cents: number;
  idempotency_key: string;
  provider_refund_id: string | null;
  created_by_id: string | null;
  created_at: Generated<Date>;
  /** Set when the provider refused a refund that must not be dropped (a duplicate's): an operator sends it again. */
  refused_at: Generated<Date | null>;
  refusal: Generated<string | null>;
}
interface PaymentBillsTable {
  id: Generated<string>;
  organisation_id: string;
  item_id: string;
  citizen_id: string | null;
  reference: string;
  amount_cents: number;
  due_date: ColumnType<Date, string, string>;
  paid_payment_id: string | null;
  created_at: Generated<Date>;
}

declare module '../platform/db/schema.ts' {
  interface Database {
    payment_items: PaymentItemsTable;
    payments: PaymentsTable;
    payment_refunds: PaymentRefundsTable;
    payment_bills: PaymentBillsTable;
  }
}

export type PaymentItemRow = Selectable<PaymentItemsTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type RefundRow = Selectable<PaymentRefundsTable>;
export type BillRow = Selectable<PaymentBillsTable>;

// --- items ---
export const insertItem = (db: Queryable, row: Insertable<PaymentItemsTable>) => db.insertInto('payment_items').values(row).returningAll().executeTakeFirstOrThrow();
export const itemById = (db: Queryable, id: string) => db.selectFrom('payment_items').selectAll().where('id', '=', id).executeTakeFirst();
export const itemsOfOrganisation = (db: Queryable, organisationId: string) =>
  db.selectFrom('payment_items').selectAll().where('organisation_id', '=', organisationId).orderBy('name_en').orderBy('id').execute();

// --- payments ---
/** Inserts unless the idempotency key was used already in this scope; then returns undefined (the caller reads the first). */
export const insertPaymentOnce = (db: Queryable, row: Insertable<PaymentsTable>) =>
  db.insertInto('payments').values(row).onConflict((oc) => oc.columns(['idempotency_scope', 'idempotency_key']).doNothing()).returningAll().executeTakeFirst();
export const paymentByKey = (db: Queryable, scope: string, key: string) =>
  db.selectFrom('payments').selectAll().where('idempotency_scope', '=', scope).where('idempotency_key', '=', key).executeTakeFirst();
export const paymentById = (db: Queryable, id: string) => db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
export const paymentForUpdate = (db: Queryable, id: string) => db.selectFrom('payments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
/**
 * Moves a payment forward in one statement, or not at all: only if it is unfinished, the amount matches and the new
 * state ranks higher. The row lock serialises racing updates, and the loser re-checks these conditions and matches
 * nothing, so each payment finishes (and settles) once.
 *
 * A payment that succeeds for a record (its purpose is one of `recordPurposes`) also takes the record's lock, in the
 * same statement, until the transaction ends: of two payments succeeding at once for the same record, exactly one then
 * finds no earlier one (settledPaymentFor, markBillPaid) and counts.
 */
export async function advancePayment(db: Queryable, provider: string, providerPaymentId: string, change: { state: PaymentState; rank: number; finished: boolean; amountCents: number; recordPurposes: string[] }) {
  const rank = sql<number>`CASE state WHEN 'created' THEN 0 WHEN 'started' THEN 1 WHEN 'submitted' THEN 2 ELSE 3 END`;
  const recordLock = sql<string | null>`CASE WHEN state = 'success' AND reference IS NOT NULL AND purpose = ANY (${change.recordPurposes}::text[])
    THEN pg_advisory_xact_lock(hashtextextended('payments:' || purpose || ':' || reference, 0))::text END`;
  const row = await db.updateTable('payments')
    .set({ state: change.state, finished: change.finished, settled_at: change.state === 'success' ? new Date() : null, updated_at: new Date() })
    .where('provider', '=', provider).where('provider_payment_id', '=', providerPaymentId).where('finished', '=', false)
    .where('amount_cents', '=', change.amountCents).where(rank, '<', change.rank)
    .returningAll().returning(recordLock.as('record_locked')).executeTakeFirst();
  if (!row) return undefined;
  const { record_locked: _locked, ...payment } = row;
  return payment;
}
/** The payment that already paid for this record, if any (duplicates never count). */
export const settledPaymentFor = (db: Queryable, purpose: string, reference: string, exceptId: string) =>
  db.selectFrom('payments').selectAll().where('purpose', '=', purpose).where('reference', '=', reference).where('state', '=', 'success')
    .where('duplicate_of', 'is', null).where('id', '<>', exceptId).orderBy('settled_at').limit(1).executeTakeFirst();
export const markDuplicate = (db: Queryable, id: string, firstId: string) =>
  db.updateTable('payments').set({ duplicate_of: firstId, updated_at: new Date() }).where('id', '=', id).execute();
export const paymentByProviderId = (db: Queryable, provider: string, providerPaymentId: string) =>
  db.selectFrom('payments').selectAll().where('provider', '=', provider).where('provider_payment_id', '=', providerPaymentId).executeTakeFirst();
/** Only the first of racing creators attaches the provider payment (and audits the creation). */
export const attachProviderPayment = (db: Queryable, id: string, providerPaymentId: string, nextUrl: string) =>
  db.updateTable('payments').set({ provider_payment_id: providerPaymentId, next_url: nextUrl, updated_at: new Date() })
    .where('id', '=', id).where('provider_payment_id', 'is', null).returningAll().executeTakeFirst();
export const updatePayment = (db: Queryable, id: string, changes: Updateable<PaymentsTable>) =>
  db.updateTable('payments').set({ ...changes, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
export const paymentsOfOrganisation = (db: Queryable, organisationId: string, limit: number) =>
  db.selectFrom('payments').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at', 'desc').limit(limit).execute();
export const settledPaymentsByReference = (db: Queryable, purpose: string, reference: string) =>
  db.selectFrom('payments').selectAll().where('purpose', '=', purpose).where('reference', '=', reference).where('state', '=', 'success').orderBy('settled_at').execute();
/** Payments the provider may have moved on without telling us, oldest first, a page at a time (keyset on created_at, id). */
export const unfinishedPayments = (db: Queryable, createdBefore: Date, after: { created_at: Date; id: string } | undefined, limit: number) =>
  db.selectFrom('payments').select(['id', 'created_at']).where('finished', '=', false).where('provider_payment_id', 'is not', null)
    .where('created_at', '<', createdBefore)
    .$if(after !== undefined, (qb) => qb.where((eb) => eb.or([eb('created_at', '>', after!.created_at), eb.and([eb('created_at', '=', after!.created_at), eb('id', '>', after!.id)])])))
    .orderBy('created_at').orderBy('id').limit(limit).execute();

// --- reconciliation ---
const RECONCILIATION_LOCK = 727_601; // pg_advisory_lock key: one scheduled reconciliation pass at a time, across processes
/** Takes the reconciliation lock on this connection if no other holds it; release it on the same connection. */
export async function tryReconciliationLock(conn: Queryable): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${RECONCILIATION_LOCK}) AS locked`.execute(conn);
  return rows[0]?.locked === true;
}
export async function releaseReconciliationLock(conn: Queryable): Promise<void> {
  await sql`SELECT pg_advisory_unlock(${RECONCILIATION_LOCK})`.execute(conn);
}

// --- refunds ---
export const refundByKey = (db: Queryable, paymentId: string, key: string) =>
  db.selectFrom('payment_refunds').selectAll().where('payment_id', '=', paymentId).where('idempotency_key', '=', key).executeTakeFirst();
export async function insertRefund(db: Queryable, row: Insertable<PaymentRefundsTable>): Promise<RefundRow> {
  await db.updateTable('payments').set({ refunded_cents: sql`refunded_cents + ${row.amount_cents}`, updated_at: new Date() }).where('id', '=', row.payment_id).execute();
  return db.insertInto('payment_refunds').values(row).returningAll().executeTakeFirstOrThrow();
}
/** A refund the provider refused gives its reserved amount back. */
export async function releaseRefund(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.deleteFrom('payment_refunds').where('id', '=', id).where('provider_refund_id', 'is', null).returningAll().executeTakeFirst();
    if (row) await trx.updateTable('payments').set({ refunded_cents: sql`refunded_cents - ${row.amount_cents}`, updated_at: new Date() }).where('id', '=', row.payment_id).execute();
  });
}
export const confirmRefund = (db: Queryable, id: string, providerRefundId: string) =>
  db.updateTable('payment_refunds').set({ provider_refund_id: providerRefundId }).where('id', '=', id).where('provider_refund_id', 'is', null).returningAll().executeTakeFirst();
export const refundById = (db: Queryable, id: string) => db.selectFrom('payment_refunds').selectAll().where('id', '=', id).executeTakeFirst();
/**
 * Refunds reserved before a given time and never confirmed (the provider was not reached, or a crash came between),
 * except those the provider refused: sending them again unchanged would only be refused again; an operator decides.
 */
export const pendingRefunds = (db: Queryable, reservedBefore: Date, limit: number) =>
  db.selectFrom('payment_refunds').selectAll().where('provider_refund_id', 'is', null).where('refused_at', 'is', null)
    .where('created_at', '<', reservedBefore).orderBy('created_at').limit(limit).execute();
/** A payment's reserved refunds that the provider has not confirmed (yet): sent again by a person or reconciliation. */
export const unconfirmedRefunds = (db: Queryable, paymentId: string) =>
  db.selectFrom('payment_refunds').selectAll().where('payment_id', '=', paymentId).where('provider_refund_id', 'is', null).orderBy('created_at').execute();
export const markRefundRefused = (db: Queryable, id: string, refusal: string) =>
  db.updateTable('payment_refunds').set({ refused_at: new Date(), refusal }).where('id', '=', id).where('provider_refund_id', 'is', null).returningAll().executeTakeFirst();
export const refundsOfPayment = (db: Queryable, paymentId: string) => db.selectFrom('payment_refunds').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').execute();

// --- bills ---
export const insertBill = (db: Queryable, row: Insertable<PaymentBillsTable>) => db.insertInto('payment_bills').values(row).returningAll().executeTakeFirstOrThrow();
export const billById = (db: Queryable, id: string) => db.selectFrom('payment_bills').selectAll().where('id', '=', id).executeTakeFirst();
/**
 * Marks a bill paid by this payment unless another payment did first; says whether it did. The bill's row lock, and
 * PostgreSQL re-checking `paid_payment_id IS NULL` on a row another transaction changed meanwhile, let exactly one
 * payment mark it, so a settlement that marks it needs no look for an earlier payment.
 */
export async function markBillPaid(db: Queryable, billId: string, paymentId: string): Promise<boolean> {
  // A bill payment's reference is its bill's id; anything else names no bill (and must not fail the cast).
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(billId)) return false;
  const row = await db.updateTable('payment_bills').set({ paid_payment_id: paymentId }).where('id', '=', billId).where('paid_payment_id', 'is', null).returning('id').executeTakeFirst();
  return row !== undefined;
}
export const openBillsOfCitizen = (db: Queryable, citizenId: string) =>
  db.selectFrom('payment_bills').selectAll().where('citizen_id', '=', citizenId).where('paid_payment_id', 'is', null).orderBy('due_date').execute();
