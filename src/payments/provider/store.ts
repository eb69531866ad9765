import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Queryable } from '../../platform/db/database.ts';
import type { PaymentState } from './port.ts';

interface ProviderPaymentsTable {
  id: Generated<string>;
  amount_cents: number;
  description: string;
  reference: string;
  return_url: string;
  webhook_url: string;
  state: Generated<PaymentState>;
  finished: Generated<boolean>;
  failure_reason: string | null;
  refunded_cents: Generated<number>;
  created_at: Generated<Date>;
  expires_at: Date;
}
interface ProviderRefundsTable { id: Generated<string>; payment_id: string; amount_cents: number; idempotency_key: string; created_at: Generated<Date> }
interface ProviderWebhookEventsTable {
  id: Generated<number>; payment_id: string; webhook_url: string; body: unknown; created_at: Generated<Date>; delivered_at: Date | null;
  attempts: Generated<number>; next_attempt_at: Generated<Date>;
}

declare module '../../platform/db/schema.ts' {
  interface Database {
    provider_payments: ProviderPaymentsTable;
    provider_refunds: ProviderRefundsTable;
    provider_webhook_events: ProviderWebhookEventsTable;
  }
}

export type ProviderPaymentRow = Selectable<ProviderPaymentsTable>;
export type WebhookEventRow = Selectable<ProviderWebhookEventsTable>;

/** Creating is idempotent by the merchant's reference: asking twice returns the first payment. */
export async function insertPaymentOnce(db: Queryable, row: Insertable<ProviderPaymentsTable>): Promise<ProviderPaymentRow> {
  const inserted = await db.insertInto('provider_payments').values(row).onConflict((oc) => oc.column('reference').doNothing()).returningAll().executeTakeFirst();
  return inserted ?? db.selectFrom('provider_payments').selectAll().where('reference', '=', row.reference).executeTakeFirstOrThrow();
}

export const paymentForUpdate = (db: Queryable, id: string) =>
  db.selectFrom('provider_payments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const paymentById = (db: Queryable, id: string) =>
  db.selectFrom('provider_payments').selectAll().where('id', '=', id).executeTakeFirst();

export const updateState = (db: Queryable, id: string, state: PaymentState, finished: boolean, failureReason: string | null = null) =>
  db.updateTable('provider_payments').set({ state, finished, failure_reason: failureReason }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export const refundByKey = (db: Queryable, paymentId: string, key: string) =>
  db.selectFrom('provider_refunds').selectAll().where('payment_id', '=', paymentId).where('idempotency_key', '=', key).executeTakeFirst();

export async function insertRefund(db: Queryable, paymentId: string, amountCents: number, key: string) {
  await db.updateTable('provider_payments').set({ refunded_cents: sql`refunded_cents + ${amountCents}` }).where('id', '=', paymentId).execute();
  return db.insertInto('provider_refunds').values({ payment_id: paymentId, amount_cents: amountCents, idempotency_key: key }).returningAll().executeTakeFirstOrThrow();
}

/**
 * How long a process owns a webhook it is sending (far longer than a send may take: 10 s). Others leave it alone till
 * then, so no two processes send it at once; if its owner dies, it falls due again and another sends it.
 */
export const WEBHOOK_CLAIM_SECONDS = 120;

/** A new event belongs to the process that made it, which sends it at once. */
export const insertWebhookEvent = (db: Queryable, paymentId: string, webhookUrl: string, body: unknown) =>
  db.insertInto('provider_webhook_events')
    .values({ payment_id: paymentId, webhook_url: webhookUrl, body: JSON.stringify(body), next_attempt_at: sql`now() + make_interval(secs => ${WEBHOOK_CLAIM_SECONDS})` })
    .returningAll().executeTakeFirstOrThrow();

export const webhookEvents = (db: Queryable, paymentId: string) =>
  db.selectFrom('provider_webhook_events').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();

export const markDelivered = (db: Queryable, id: number) =>
  db.updateTable('provider_webhook_events').set({ delivered_at: new Date() }).where('id', '=', id).execute();

/** After a failed attempt: try again after 2^attempts × 30 s (30 s, 1 min, 2 min, … about 4 h at most). */
export const recordFailedAttempt = (db: Queryable, id: number) =>
  db.updateTable('provider_webhook_events')
    .set({ attempts: sql`attempts + 1`, next_attempt_at: sql`now() + make_interval(secs => 30 * power(2, least(attempts, 9)))` })
    .where('id', '=', id).execute();

export const MAX_WEBHOOK_ATTEMPTS = 12;

/**
 * Claims undelivered events due for another attempt, oldest first, for this process to send: each is claimed by one
 * process (rows another claimer holds are skipped, not waited for) and is not due again until the claim runs out.
 */
export const claimDueWebhookEvents = (db: Queryable, now: Date, limit: number) =>
  db.updateTable('provider_webhook_events')
    .set({ next_attempt_at: new Date(now.getTime() + WEBHOOK_CLAIM_SECONDS * 1000) })
    .where('id', 'in', (eb) => eb.selectFrom('provider_webhook_events').select('id').where('delivered_at', 'is', null).where('next_attempt_at', '<=', now)
      .where('attempts', '<', MAX_WEBHOOK_ATTEMPTS).orderBy('next_attempt_at').limit(limit).forUpdate().skipLocked())
    .returningAll().execute();
