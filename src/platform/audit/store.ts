import { sql } from 'kysely';
import type { Queryable, Trx } from '../db/database.ts';

export interface AuditLogTable {
  seq: number;
  occurred_at: Date;
  actor_kind: 'staff' | 'citizen' | 'service' | 'system';
  actor_id: string | null;
  actor_label: string;
  organisation_id: string | null;
  action: string;
  record_type: string;
  record_id: string | null;
  request_id: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

interface AuditHeadTable { id: boolean; seq: number; hash: string }

declare module '../db/schema.ts' {
  interface Database {
    audit_log: AuditLogTable;
    audit_head: AuditHeadTable;
  }
}

export type AuditRow = AuditLogTable;

/** Locks the chain head until the transaction ends, so that appends are serialised and the chain has no forks. */
export async function lockHead(trx: Trx): Promise<{ seq: number; hash: string }> {
  return trx.selectFrom('audit_head').select(['seq', 'hash']).forUpdate().executeTakeFirstOrThrow();
}

export async function insertEntry(trx: Trx, row: AuditRow): Promise<void> {
  await trx.insertInto('audit_log').values({ ...row, detail: JSON.stringify(row.detail) as never }).execute();
  await trx.updateTable('audit_head').set({ seq: row.seq, hash: row.hash }).execute();
}

export async function readHead(db: Queryable) {
  return db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
}

export async function entriesAfter(db: Queryable, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export interface AuditFilter {
  organisationId?: string | undefined;
  action?: string | undefined;
  recordType?: string | undefined;
  recordId?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  beforeSeq?: number | undefined;
}

export async function searchEntries(db: Queryable, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit);
  if (filter.organisationId) query = query.where('organisation_id', '=', filter.organisationId);
  if (filter.action) query = query.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (filter.recordType) query = query.where('record_type', '=', filter.recordType);
  if (filter.recordId) query = query.where('record_id', '=', filter.recordId);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<', filter.to);
  if (filter.beforeSeq) query = query.where('seq', '<', filter.beforeSeq);
  return query.execute();
}

export const nowInDatabase = (db: Queryable) => sql<{ now: Date }>`SELECT now() AS now`.execute(db);
