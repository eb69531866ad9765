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

  // Unfinished payments for one sample item, made in one statement; their provider ids are what webhooks name.
  const item = await db.selectFrom('payment_items').select(['id', 'organisation_id', 'amount_cents']).executeTakeFirstOrThrow();
  const rows = (await sql<{ id: string; provider_payment_id: string }>`
    INSERT INTO payments (organisation_id, item_id, purpose, amount_cents, provider, provider_payment_id, idempotency_scope, idempotency_key, request_hash, created_by_kind)
    SELECT ${item.organisation_id}, ${item.id}, 'bench', ${item.amount_cents}, 'builtin', gen_random_uuid()::text, 'bench', 'bench-' || g, 'bench', 'system'
    FROM generate_series(1, ${PAYMENTS}) AS g
    RETURNING id, provider_payment_id`.execute(db)).rows;
  const secret = webhookSecret(config.SESSION_SECRET);
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
  const settled = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM payments WHERE purpose = 'bench' AND state = 'success'`.execute(db)).rows[0]!.n);
  const rate = settled / seconds;
  const group = 'payment webhooks';
  return [
    { group, name: 'baseline: bare Fastify POST route, one INSERT', ...baseline, ratio: 1 },
    { group, name: 'signed webhook → payment settled once, with audit entry (target ≥ 1,000/s)', rate, unit: 'settled/s', p99Ms: result.latency.p99, ratio: rate / baseline.rate, note: `${settled} payments settled, ${result.requests.total} requests` },
  ];
};
export default payments;
