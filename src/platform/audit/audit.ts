import type { Db, Trx } from '../db/database.ts';
import type { Actor, RequestContext } from '../context.ts';
import { entryHash, GENESIS_HASH } from './chain.ts';
import * as store from './store.ts';
import { requireRole } from '../access.ts';

export interface AuditEntry {
  /** Dotted verb in the past tense, e.g. `staff.signed_in`, `organisation.created`. */
  action: string;
  recordType: string;
  recordId?: string | null;
  /** The organisation whose record this is; defaults to the actor's. */
  organisationId?: string | null;
  detail?: Record<string, unknown>;
}

/** Appends one entry in the caller's transaction: the entry exists exactly when the change it records does. */
export async function recordAudit(trx: Trx, context: Pick<RequestContext, 'actor' | 'requestId'>, entry: AuditEntry): Promise<number> {
  const head = await store.lockHead(trx);
  const actor: Actor = context.actor;
  const row = {
    seq: head.seq + 1,
    // Millisecond precision: what JavaScript's Date keeps, so the hash can be recomputed from the stored row.
    occurred_at: new Date(),
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_label: actor.label,
    organisation_id: entry.organisationId === undefined ? actor.organisationId : entry.organisationId,
    action: entry.action,
    record_type: entry.recordType,
    record_id: entry.recordId ?? null,
    request_id: context.requestId,
    detail: entry.detail ?? {},
    prev_hash: head.hash,
  };
  await store.insertEntry(trx, { ...row, hash: entryHash(row) });
  return row.seq;
}

export type VerifyProblem = 'altered' | 'removed' | 'reordered';
export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; problem: VerifyProblem; message: string };
}

/** Walks the whole chain and reports the first entry that was altered, removed or reordered. */
export async function verifyAuditChain(db: Db, batchSize = 2_000): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  const fail = (seq: number, problem: VerifyProblem, message: string): VerifyResult => ({ ok: false, checked, firstBad: { seq, problem, message } });
  for (;;) {
    const rows = await store.entriesAfter(db, expectedSeq - 1, batchSize);
    for (const row of rows) {
      if (row.seq !== expectedSeq) return fail(expectedSeq, 'removed', `entry ${expectedSeq} is missing (the next entry found is ${row.seq})`);
      const { hash, ...content } = row;
      if (entryHash(content) !== hash) return fail(row.seq, 'altered', `entry ${row.seq} does not match its hash: its content was changed`);
      if (row.prev_hash !== prevHash) return fail(row.seq, 'reordered', `entry ${row.seq} does not follow entry ${row.seq - 1}: the chain was reordered or rewritten`);
      prevHash = hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < batchSize) break;
  }
  const head = await store.readHead(db);
  if (head.seq !== checked) return fail(checked + 1, 'removed', `the log ends at entry ${checked} but ${head.seq} entries were written`);
  if (head.hash !== prevHash) return fail(checked, 'altered', `entry ${checked} is not the last entry that was written`);
  return { ok: true, checked };
}

export type { AuditFilter, AuditRow } from './store.ts';

/** Platform admins browse the whole log, newest first, `limit` entries at a time (keyset paging by seq). */
export async function searchAuditLog(db: Db, ctx: Pick<RequestContext, 'actor'>, filter: store.AuditFilter, limit = 50): Promise<store.AuditRow[]> {
  requireRole(ctx.actor, 'platform_admin');
  return store.searchEntries(db, filter, limit);
}
