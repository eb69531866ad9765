import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { WEBHOOK_PATH } from '../src/payments/provider/builtin.ts';
import { SIGNATURE_HEADER, signWebhook, webhookSecret } from '../src/payments/provider/signature.ts';
import type { Db } from '../src/platform/db/database.ts';
import { load, type Benchmark } from './harness.ts';

// Payment webhooks settled per second: each request is a signed `success` webhook for a different unfinished
// payment, so every one takes the row lock, moves the state, writes the audit entry and settles (target ≥ 1,000/s).
// The webhooks are sent from a child process, as the baseline's requests are (bench/load-generator.ts).
// Baseline: a bare Fastify POST route that does one INSERT of the same body on the same database.
const PAYMENTS = 60_000;

interface WebhookLoad { url: string; seconds: number; secret: string; amountCents: number; payments: { id: string; provider_payment_id: string }[] }
interface WebhookLoadAnswer { from: number; to: number; p99Ms: number; non2xx: number; errors: number; sent: number }
const CHILD = 'SMARTGOV_BENCH_WEBHOOK_LOAD';

/**
 * The load generator, when this file runs as the child process: signs one `success` webhook per payment and sends each
 * once, from 50 connections. One second first, not measured (JIT, cold caches), as the baseline's load generator does.
 */
async function sendWebhooks(job: WebhookLoad): Promise<WebhookLoadAnswer> {
  const requests = job.payments.map((row) => {
    const body = JSON.stringify({ eventId: randomUUID(), providerPaymentId: row.provider_payment_id, reference: row.id, state: 'success', finished: true, amountCents: job.amountCents, refundedCents: 0, occurredAt: new Date().toISOString() });
    return { body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(job.secret, body) } };
  });
  let next = 0;
  const options = { url: job.url, connections: 50, method: 'POST' as const, requests: [{ method: 'POST' as const, setupRequest: (request: autocannon.Request) => ({ ...request, ...requests[next++ % requests.length]! }) }] };
  let { non2xx, errors } = await autocannon({ ...options, duration: 1 });
  const from = Date.now();
  const result = await autocannon({ ...options, duration: job.seconds });
  const to = Date.now();
  non2xx += result.non2xx;
  errors += result.errors;
  return { from, to, p99Ms: result.latency.p99, non2xx, errors, sent: next };
}
if (process.env[CHILD]) {
  process.once('message', async (job: WebhookLoad) => {
    const answer = await sendWebhooks(job);
    process.send!(answer, () => process.disconnect());
  });
}

/**
 * CPU time spent by this process (the server) and by every process of its PostgreSQL server, from now on: what a
 * settlement costs, which a machine shared with other work shows more steadily than a rate. Linux only (/proc);
 * elsewhere it reports nothing.
 */
async function cpuMeter(db: Db): Promise<() => Promise<number | undefined>> {
  const pids = (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity`.execute(db)).rows.map((r) => r.pid);
  const databaseTicks = async () => {
    let ticks = 0;
    for (const pid of pids) {
      // Fields 14 and 15 (utime, stime), counted after the command name, which may hold spaces.
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks;
  };
  const start = { node: process.cpuUsage(), database: await databaseTicks() };
  return async () => {
    if (process.platform !== 'linux') return undefined;
    const node = process.cpuUsage(start.node);
    return (node.user + node.system) / 1e6 + (await databaseTicks() - start.database) / CLOCK_TICKS;
  };
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

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

  /**
   * Sends a signed `success` webhook for each of the given unfinished payments, under load from a child process (like
   * the baseline's: autocannon must not share the server's event loop); counts the payments settled while measured.
   */
  async function settleUnderLoad(purpose: string, rows: { id: string; provider_payment_id: string }[]) {
    const job: WebhookLoad = { url: `${url}${WEBHOOK_PATH}`, seconds, secret, amountCents: item.amount_cents, payments: rows };
    const cpu = await cpuMeter(db);
    const answer = await new Promise<WebhookLoadAnswer>((resolve, reject) => {
      const child = fork(import.meta.filename, { execArgv: ['--import', 'tsx'], stdio: 'inherit', env: { ...process.env, [CHILD]: '1' } });
      let result: WebhookLoadAnswer | undefined;
      child.once('message', (message) => { result = message as WebhookLoadAnswer; });
      child.once('error', reject);
      child.once('exit', (code) => result ? resolve(result) : reject(new Error(`webhook load exited with ${code} and no result`)));
      child.send(job);
    });
    if (answer.non2xx > 0 || answer.errors > 0) throw new Error(`webhooks: ${answer.non2xx} non-2xx answers and ${answer.errors} errors under load`);
    if (answer.sent > rows.length) throw new Error(`webhooks: more requests (${answer.sent}) than prepared payments (${rows.length}); raise PAYMENTS`);
    const cpuSeconds = await cpu();
    const { settled, all } = (await sql<{ settled: number; all: number }>`
      SELECT count(*) FILTER (WHERE settled_at >= ${new Date(answer.from)} AND settled_at < ${new Date(answer.to)})::int AS settled, count(*)::int AS all
      FROM payments WHERE purpose = ${purpose} AND state = 'success' AND created_by_kind = 'bench'`.execute(db)).rows[0]!;
    const measuredSeconds = (answer.to - answer.from) / 1000;
    const perSettlement = cpuSeconds === undefined ? '' : `, ${((cpuSeconds * 1000) / all).toFixed(2)} ms CPU (server and database) per settlement`;
    return { rate: settled / measuredSeconds, p99Ms: answer.p99Ms, note: `${settled} payments settled in ${measuredSeconds.toFixed(1)} s${perSettlement}` };
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
