import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { WEBHOOK_PATH } from '../src/payments/provider/builtin.ts';
import { SIGNATURE_HEADER, signWebhook, webhookSecret } from '../src/payments/provider/signature.ts';
import { load, type Benchmark } from './harness.ts';

// Payment webhooks settled per second: each request is a signed `success` webhook for a different unfinished
// payment, so every one takes the row lock, moves the state, writes the audit entry and settles (target ≥ 1,000/s).
// Baseline: a bare Fastify POST route that does one INSERT of the same body on the same database.
const PAYMENTS = 60_000;

const payments: Benchmark = async ({ url, db, config, seconds }) => {
  await sql`CREATE TABLE bench_webhook_insert (id bigserial PRIMARY KEY, body jsonb NOT NULL)`.execute(db);
  const bare = Fastify();
  bare.post('/hook', async (request, reply) => {
    await sql`INSERT INTO bench_webhook_insert (body) VALUES (${JSON.stringify(request.body)})`.execute(db);
    return reply.status(204).send();
  });
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  const sample = JSON.stringify({ eventId: randomUUID(), providerPaymentId: randomUUID(), reference: randomUUID(), state: 'success', finished: true, amountCents: 90_000, refundedCents: 0, occurredAt: new Date().toISOString() });
  const baseline = await load(`${bareUrl}/hook`, { seconds, method: 'POST', body: sample, headers: { 'content-type': 'application/json' } });
  await bare.close();
  await sql`DROP TABLE bench_webhook_insert`.execute(db);

  const item = await db.selectFrom('payment_items').select(['id', 'organisation_id', 'amount_cents']).executeTakeFirstOrThrow();
  const secret = webhookSecret(config.SESSION_SECRET);
  const group = 'payment webhooks';

  /** Sends a signed `success` webhook for each of the given unfinished payments, under load; returns how many settled. */
  async function settleUnderLoad(purpose: string, rows: { id: string; provider_payment_id: string }[]) {
    const requests = rows.map((row) => {
      const body = JSON.stringify({ eventId: randomUUID(), providerPaymentId: row.provider_payment_id, reference: row.id, state: 'success', finished: true, amountCents: item.amount_cents, refundedCents: 0, occurredAt: new Date().toISOString() });
      return { body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, body) } };
    });
    let next = 0;
    const result = await autocannon({
      url: `${url}${WEBHOOK_PATH}`, connections: 50, duration: seconds, method: 'POST',
      requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, ...requests[next++ % requests.length]! }) }],
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`webhooks: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
    if (next > requests.length) throw new Error(`webhooks: more requests (${next}) than prepared payments (${requests.length}); raise PAYMENTS`);
    const settled = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM payments WHERE purpose = ${purpose} AND state = 'success' AND created_by_kind = 'bench'`.execute(db)).rows[0]!.n);
    return { rate: settled / seconds, p99Ms: result.latency.p99, note: `${settled} payments settled, ${result.requests.total} requests` };
  }

  // Unfinished payments for one sample item, made in one statement; their provider ids are what webhooks name.
  const plain = (await sql<{ id: string; provider_payment_id: string }>`
    INSERT INTO payments (organisation_id, item_id, purpose, amount_cents, provider, provider_payment_id, idempotency_scope, idempotency_key, request_hash, created_by_kind)
    SELECT ${item.organisation_id}, ${item.id}, 'bench', ${item.amount_cents}, 'builtin', gen_random_uuid()::text, 'bench', 'bench-' || g, 'bench', 'bench'
    FROM generate_series(1, ${PAYMENTS}) AS g
    RETURNING id, provider_payment_id`.execute(db)).rows;
  const settledPlain = await settleUnderLoad('bench', plain);

  // The same for bills: each settlement also looks for an earlier payment of the bill (under the bill's lock, so a
  // second payment is found a duplicate) and marks the bill paid, with its own audit entry.
  const bills = (await sql<{ id: string; provider_payment_id: string }>`
    WITH bills AS (
      INSERT INTO payment_bills (organisation_id, item_id, reference, amount_cents, due_date)
      SELECT ${item.organisation_id}, ${item.id}, 'BENCH-' || g, ${item.amount_cents}, current_date + 30 FROM generate_series(1, ${PAYMENTS}) AS g
      RETURNING id
    )
    INSERT INTO payments (organisation_id, item_id, purpose, reference, amount_cents, provider, provider_payment_id, idempotency_scope, idempotency_key, request_hash, created_by_kind)
    SELECT ${item.organisation_id}, ${item.id}, 'bill', bills.id::text, ${item.amount_cents}, 'builtin', gen_random_uuid()::text, 'bench-bill', bills.id::text, 'bench', 'bench'
    FROM bills
    RETURNING id, provider_payment_id`.execute(db)).rows;
  const settledBills = await settleUnderLoad('bill', bills);
  return [
    { group, name: 'baseline: bare Fastify POST route, one INSERT', ...baseline, ratio: 1 },
    { group, name: 'signed webhook → payment settled once, with audit entry (target ≥ 1,000/s)', unit: 'settled/s', ...settledPlain, ratio: settledPlain.rate / baseline.rate },
    { group, name: 'signed webhook → bill payment settled once, duplicate check, bill marked paid, two audit entries', unit: 'settled/s', ...settledBills, ratio: settledBills.rate / baseline.rate },
  ];
};
export default payments;
