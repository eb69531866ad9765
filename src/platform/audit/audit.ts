import type { Logger } from 'pino';
import type { Db, Trx } from '../db/database.ts';
import type { RequestContext } from '../context.ts';
import { requireRole } from '../access.ts';
import { entryHash, GENESIS_HASH } from './chain.ts';
import * as store from './store.ts';

export type { AuditFilter, AuditRow } from './store.ts';

export interface AuditEntry {
  /** Dotted verb in the past tense, e.g. `staff.signed_in`, `organisation.created`. */
  action: string;
  recordType: string;
  recordId?: string | null;
  /** The organisation whose record this is; defaults to the actor's. */
  organisationId?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Writes one entry, or several in one statement (in the given order), in the caller's transaction: an entry exists
 * exactly when the change it records does.
 */
export async function recordAudit(trx: Trx, context: Pick<RequestContext, 'actor' | 'requestId'>, entry: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const actor = context.actor;
  // Millisecond precision: what JavaScript's Date keeps, so the hash can be recomputed from the stored row.
  const occurredAt = new Date();
  const entries: readonly AuditEntry[] = Array.isArray(entry) ? entry : [entry];
  await store.insertEntries(trx, entries.map((e) => ({
    occurred_at: occurredAt,
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_label: actor.label,
    organisation_id: e.organisationId === undefined ? actor.organisationId : e.organisationId,
    action: e.action,
    record_type: e.recordType,
    record_id: e.recordId ?? null,
    request_id: context.requestId,
    detail: e.detail ?? {},
    seq: null, prev_hash: null, hash: null,
  })));
}

/** Links committed entries into the hash chain, in batches; returns how many it linked. Safe to run from any number of processes. */
export async function chainAuditLog(db: Db, batchSize = 1_000): Promise<number> {
  let linked = 0;
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      if (!(await store.tryChainerLock(trx))) return -1;
      const head = await store.lockHead(trx);
      const rows = await store.unchained(trx, batchSize);
      let { seq, hash } = head;
      const links = rows.map((row) => {
        seq += 1;
        const link = { id: row.id, seq, prev_hash: hash, hash: entryHash({ ...row, seq, prev_hash: hash }) };
        hash = link.hash;
        return link;
      });
      await store.writeChain(trx, links);
      return rows.length;
    });
    if (done < 0) return linked;
    linked += done;
    if (done < batchSize) return linked;
  }
}

/** Chains new entries every `intervalMs` until stopped (each server process runs one; only one works at a time). */
export function startAuditChainer(db: Db, logger: Logger, intervalMs = 250): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => chainAuditLog(db)).catch((error: unknown) => logger.warn({ err: error }, 'audit chainer failed; retrying'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await chainAuditLog(db).catch(() => undefined);
    },
  };
}

export type VerifyProblem = 'altered' | 'removed' | 'reordered';
export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; problem: VerifyProblem; message: string };
}

/** Chains what is waiting, then walks the whole chain and reports the first entry that was altered, removed or reordered. */
export async function verifyAuditChain(db: Db, batchSize = 2_000): Promise<VerifyResult> {
  await chainAuditLog(db);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  const fail = (seq: number, problem: VerifyProblem, message: string): VerifyResult => ({ ok: false, checked, firstBad: { seq, problem, message } });
  for (;;) {
    const rows = await store.chainedAfter(db, expectedSeq - 1, batchSize);
    for (const row of rows) {
      if (row.seq !== expectedSeq) return fail(expectedSeq, 'removed', `entry ${expectedSeq} is missing (the next entry found is ${row.seq})`);
      if (entryHash(row) !== row.hash) return fail(row.seq, 'altered', `entry ${row.seq} does not match its hash: its content was changed`);
      if (row.prev_hash !== prevHash) return fail(row.seq, 'reordered', `entry ${row.seq} does not follow entry ${row.seq - 1}: the chain was reordered or rewritten`);
      prevHash = row.hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < batchSize) break;
  }
  const head = await store.readHead(db);
  if (head.seq !== checked) return fail(checked + 1, 'removed', `the log ends at entry ${checked} but ${head.seq} entries were chained`);
  if (head.hash !== prevHash) return fail(checked, 'altered', `entry ${checked} is not the last entry that was chained`);
  return { ok: true, checked };
}

/** Platform admins browse the whole log, newest first, `limit` entries at a time (keyset paging by id). */
export async function searchAuditLog(db: Db, ctx: Pick<RequestContext, 'actor'>, filter: store.AuditFilter, limit = 50): Promise<store.AuditRow[]> {
  requireRole(ctx.actor, 'platform_admin');
  return store.searchEntries(db, filter, limit);
}
