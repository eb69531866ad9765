import Fastify from 'fastify';
import { sql } from 'kysely';
import { recordAudit } from '../src/platform/audit/index.ts';
import { systemContext } from '../src/platform/context.ts';
import { load, throughput, type Benchmark, type BenchResult } from './harness.ts';

// Baselines: a bare Fastify route (no plugins, no database) for HTTP, a bare INSERT transaction for audited writes.
const platform: Benchmark = async ({ url, db, seconds }) => {
  const bare = Fastify();
  bare.get('/ping', async () => ({ status: 'ok' }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  const baseline = await load(`${bareUrl}/ping`, { seconds });
  await bare.close();

  const http: BenchResult[] = [{ group: 'http', name: 'baseline: bare Fastify route', ...baseline, ratio: 1 }];
  for (const [name, path, accept] of [
    ['GET /healthz (all platform hooks, no database)', '/healthz', 'application/json'],
    ['GET /api/v1/organisations (one query)', '/api/v1/organisations', 'application/json'],
    ['GET / home page (query and render)', '/', 'text/html'],
  ] as const) {
    const measured = await load(`${url}${path}`, { seconds, headers: { accept } });
    http.push({ group: 'http', name, ...measured, ratio: measured.rate / baseline.rate });
  }

  await sql`CREATE TABLE IF NOT EXISTS bench_plain_insert (id bigserial PRIMARY KEY, detail jsonb NOT NULL)`.execute(db);
  const plain = await throughput((i) => db.transaction().execute((trx) => sql`INSERT INTO bench_plain_insert (detail) VALUES (${JSON.stringify({ i })})`.execute(trx)), seconds);
  const audited = await throughput((i) => db.transaction().execute(async (trx) => {
    await sql`INSERT INTO bench_plain_insert (detail) VALUES (${JSON.stringify({ i })})`.execute(trx);
    await recordAudit(trx, systemContext('bench'), { action: 'bench.written', recordType: 'bench', recordId: String(i) });
  }), seconds);
  await sql`DROP TABLE bench_plain_insert`.execute(db);
  return [
    ...http,
    { group: 'writes', name: 'baseline: INSERT in a transaction (10 concurrent)', rate: plain, unit: 'tx/s', ratio: 1 },
    { group: 'writes', name: 'INSERT + hash-chained audit entry (10 concurrent)', rate: audited, unit: 'tx/s', ratio: audited / plain },
  ];
};
export default platform;
