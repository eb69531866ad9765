import { fork } from 'node:child_process';
import path from 'node:path';
import type { App } from '../src/app.ts';
import type { Config } from '../src/platform/config.ts';
import type { Db } from '../src/platform/db/database.ts';
import type { LoadAnswer, LoadRequest } from './load-generator.ts';

/** What every benchmark file gets: a running app on a migrated, sample-seeded database. */
export interface BenchContext {
  app: App;
  url: string;
  db: Db;
  config: Config;
  /** Seconds per measured case (BENCH_SECONDS, default 5). */
  seconds: number;
}

export interface BenchResult {
  group: string;
  name: string;
  /** Requests (or operations) per second. */
  rate: number;
  p99Ms?: number | undefined;
  unit?: string;
  /** Rate divided by the group's baseline rate, measured in the same run. */
  ratio?: number;
  note?: string;
}

/** A benchmark file: `export default async function (ctx) { return [results] }`, named bench/*.bench.ts. */
export type Benchmark = (ctx: BenchContext) => Promise<BenchResult[]>;

/**
 * HTTP load from autocannon in a child process (its own event loop and, on a multi-core machine, its own core), so the
 * server's figures are not slowed by the load generator sharing its event loop.
 */
export async function load(url: string, options: { connections?: number; seconds: number; method?: 'GET' | 'POST'; body?: string; headers?: Record<string, string>; paths?: string[]; headerSets?: Record<string, string>[]; once?: boolean }) {
  const request: LoadRequest = {
    url, connections: options.connections ?? 50, seconds: options.seconds, method: options.method ?? 'GET', body: options.body, headers: options.headers ?? {}, paths: options.paths, headerSets: options.headerSets, once: options.once,
  };
  const result = await new Promise<LoadAnswer>((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, 'load-generator.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    let answer: LoadAnswer | undefined;
    child.once('message', (message) => { answer = message as LoadAnswer; });
    child.once('error', reject);
    child.once('exit', (code) => answer ? resolve(answer) : reject(new Error(`load generator for ${url} exited with ${code} and no result`)));
    child.send(request);
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return { rate: result.rate, p99Ms: result.p99Ms, asked: result.asked };
}

/** Operations per second of `operation` run by `workers` concurrent loops for `seconds`. */
export async function throughput(operation: (i: number) => Promise<unknown>, seconds: number, workers = 10): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (Date.now() < end) await operation(done++);
  }));
  return done / seconds;
}

export interface Measured { rate: number; p99Ms: number; rates: number[] }

/**
 * The cases measured in turn, `rounds` times over (A B C A B C): the load other work puts on a shared machine drifts
 * over a run, and cases measured side by side see the same drift. Each case's rate is the mean, its p99 the worst.
 */
export async function interleavedRuns<K extends string>(cases: Record<K, () => Promise<{ rate: number; p99Ms?: number | undefined }>>, rounds: number): Promise<Record<K, Measured>> {
  const results = {} as Record<K, Measured>;
  for (let round = 0; round < rounds; round++) {
    for (const [name, measure] of Object.entries(cases) as [K, () => Promise<{ rate: number; p99Ms?: number | undefined }>][]) {
      const { rate, p99Ms = 0 } = await measure();
      const seen = results[name] ??= { rate: 0, p99Ms: 0, rates: [] };
      seen.rates.push(rate);
      seen.rate = seen.rates.reduce((a, b) => a + b, 0) / seen.rates.length;
      seen.p99Ms = Math.max(seen.p99Ms, p99Ms);
    }
  }
  return results;
}

export const runs = (m: Measured) => `mean of ${m.rates.length} interleaved runs: ${m.rates.map((r) => r.toFixed(0)).join(', ')}`;
