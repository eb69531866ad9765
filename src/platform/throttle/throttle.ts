import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import { rateLimited } from '../errors.ts';

interface ThrottleCountersTable { key: string; window_start: Date; failures: number; last_failure_at: Date }
declare module '../db/schema.ts' {
  interface Database { throttle_counters: ThrottleCountersTable }
}

/**
 * `block`: after `limit` failures in the window, refuse until the window ends (per address, per account+address).
 * `slow`: after `limit` failures, allow one attempt per 2^(failures-limit) seconds, at most `maxDelaySeconds`:
 * an attacker can slow an account down but never lock its owner out.
 */
export interface ThrottleRule {
  key: string;
  limit: number;
  windowSeconds: number;
  mode: 'block' | 'slow';
  maxDelaySeconds?: number;
}

export async function assertNotThrottled(db: Queryable, rules: ThrottleRule[], now = new Date()): Promise<void> {
  if (rules.length === 0) return;
  const rows = await db.selectFrom('throttle_counters').selectAll().where('key', 'in', rules.map((r) => r.key)).execute();
  for (const rule of rules) {
    const row = rows.find((r) => r.key === rule.key);
    if (!row || row.failures < rule.limit) continue;
    const windowEnds = row.window_start.getTime() + rule.windowSeconds * 1000;
    if (windowEnds <= now.getTime()) continue;
    if (rule.mode === 'block') throw rateLimited(Math.ceil((windowEnds - now.getTime()) / 1000));
    const delay = Math.min(2 ** (row.failures - rule.limit), rule.maxDelaySeconds ?? 60) * 1000;
    const nextAllowed = row.last_failure_at.getTime() + delay;
    if (nextAllowed > now.getTime()) throw rateLimited(Math.ceil((nextAllowed - now.getTime()) / 1000));
  }
}

export async function recordFailure(db: Queryable, rules: ThrottleRule[]): Promise<void> {
  for (const rule of rules) {
    await sql`
      INSERT INTO throttle_counters (key, window_start, failures, last_failure_at) VALUES (${rule.key}, now(), 1, now())
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN throttle_counters.window_start < now() - make_interval(secs => ${rule.windowSeconds}) THEN 1 ELSE throttle_counters.failures + 1 END,
        window_start = CASE WHEN throttle_counters.window_start < now() - make_interval(secs => ${rule.windowSeconds}) THEN now() ELSE throttle_counters.window_start END,
        last_failure_at = now()`.execute(db);
  }
}

export async function clearFailures(db: Queryable, keys: string[]): Promise<void> {
  if (keys.length > 0) await db.deleteFrom('throttle_counters').where('key', 'in', keys).execute();
}
