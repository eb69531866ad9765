import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openDatabase } from '../src/platform/db/open.ts';
import { systemContext } from '../src/platform/context.ts';
import { seedSampleData } from '../src/sample.ts';
import type { Benchmark, BenchResult } from './harness.ts';

// `npm run bench [name…]`: runs bench/*.bench.ts (or the named ones) on a fresh embedded database
// (or DATABASE_URL) and writes docs/PERFORMANCE.md. Each figure stands beside a baseline from the same run.
const here = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.startsWith(o))));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smartgov-bench-'));
const logger = pino({ level: 'warn' });
const config = loadConfig({ ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '20' });
const database = await openDatabase(config, logger);
try {
  await migrate(database.db, logger);
  await seedSampleData(database.db, logger, systemContext('bench'));
  const app = await buildApp({ config, db: database.db, logger: pino({ level: 'silent' }) });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const results: BenchResult[] = [];
  for (const file of files) {
    const benchmark = (await import(path.join(here, file))).default as Benchmark;
    // Each bench starts on a settled database: the previous one's writes (200,000 applications, say) are vacuumed,
    // analyzed and checkpointed now, not by autovacuum and the checkpointer during the next one's measurements.
    await sql`VACUUM (ANALYZE)`.execute(database.db);
    // CHECKPOINT needs superuser or pg_checkpoint, which an external server's user may lack: the bench then goes on.
    await sql`CHECKPOINT`.execute(database.db).catch((error: Error) => console.log(`no checkpoint before ${file}: ${error.message}`));
    console.log(`running ${file}…`);
    const rows = await benchmark({ app, url, db: database.db, config, seconds });
    for (const row of rows) console.log(`  ${row.group} | ${row.name}: ${row.rate.toFixed(0)} ${row.unit ?? 'req/s'}${row.p99Ms === undefined ? '' : `, p99 ${row.p99Ms} ms`}${row.ratio === undefined ? '' : `, ${row.ratio.toFixed(2)}× baseline`}`);
    results.push(...rows);
  }
  await app.close();
  const version = (await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(database.db)).rows[0]?.v;
  writeFileSync(path.join(here, '../docs/PERFORMANCE.md'), report(results, version ?? '?', seconds));
  console.log('written docs/PERFORMANCE.md');
} finally {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
}

function report(results: BenchResult[], pgVersion: string, seconds: number): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    '# Performance',
    '',
    'Written by `npm run bench` (do not edit by hand). Absolute numbers on a shared machine are noisy: read each',
    'figure against the baseline measured in the same run (the ratio column).',
    '',
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
    `- Node ${process.version}, PostgreSQL ${pgVersion} (${config.embeddedDatabase ? 'embedded, fsync on' : 'external'}), ${seconds} s per case, HTTP load from autocannon in a separate child process (50 connections unless stated); database throughput from 10 concurrent loops in the server's process`,
    '',
  ];
  for (const group of [...new Set(results.map((r) => r.group))]) {
    lines.push(`## ${group}`, '', '| case | rate | p99 | ratio to baseline |', '| --- | ---: | ---: | ---: |');
    for (const r of results.filter((x) => x.group === group)) {
      lines.push(`| ${r.name}${r.note ? ` (${r.note})` : ''} | ${r.rate.toFixed(0)} ${r.unit ?? 'req/s'} | ${r.p99Ms === undefined ? '' : `${r.p99Ms} ms`} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
