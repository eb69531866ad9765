import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Queryable, Trx } from '../db/database.ts';

interface AuditLogTable {
  id: Generated<number>;
  seq: number | null;
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
  prev_hash: string | null;
  hash: string | null;
}

interface AuditHeadTable { id: boolean; seq: number; hash: string }

declare module '../db/schema.ts' {
  interface Database {
    audit_log: AuditLogTable;
    audit_head: AuditHeadTable;
  }
}

export type AuditRow = Selectable<AuditLogTable>;
export type ChainedRow = AuditRow & { seq: number; prev_hash: string; hash: string };

/** One statement; ids (the chain's order) follow the order of the rows. */
export async function insertEntries(db: Queryable, rows: Insertable<AuditLogTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('audit_log').values(rows.map((row) => ({ ...row, detail: JSON.stringify(row.detail) as never }))).execute();
}

const CHAINER_LOCK = 727_002;

/** One chainer at a time across processes; the others skip (the running one will take their entries too). */
export async function tryChainerLock(trx: Trx): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${CHAINER_LOCK}) AS locked`.execute(trx);
  return rows[0]?.locked === true;
}

export const lockHead = (trx: Trx) => trx.selectFrom('audit_head').select(['seq', 'hash']).forUpdate().executeTakeFirstOrThrow();

export const unchained = (trx: Trx, limit: number) =>
  trx.selectFrom('audit_log').selectAll().where('seq', 'is', null).orderBy('id').limit(limit).execute();

/** Fills in the chain columns of a batch in one statement, and moves the head. */
export async function writeChain(trx: Trx, links: { id: number; seq: number; prev_hash: string; hash: string }[]): Promise<void> {
  if (links.length === 0) return;
  const values = sql.join(links.map((l) => sql`(${l.id}::bigint, ${l.seq}::bigint, ${l.prev_hash}, ${l.hash})`));
  await sql`UPDATE audit_log AS a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
    FROM (VALUES ${values}) AS v (id, seq, prev_hash, hash) WHERE a.id = v.id`.execute(trx);
  const last = links.at(-1)!;
  await trx.updateTable('audit_head').set({ seq: last.seq, hash: last.hash }).execute();
}

export const readHead = (db: Queryable) => db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();

export async function chainedAfter(db: Queryable, afterSeq: number, limit: number): Promise<ChainedRow[]> {
  return db.selectFrom('audit_log').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute() as Promise<ChainedRow[]>;
}

export const countUnchained = async (db: Queryable) =>
  Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('seq', 'is', null).executeTakeFirstOrThrow()).n);

export interface AuditFilter {
  organisationId?: string | undefined;
  action?: string | undefined;
  recordType?: string | undefined;
  recordId?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset paging: entries written before this id. */
  beforeId?: number | undefined;
}

export async function searchEntries(db: Queryable, filter: AuditFilter, limit: number): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
  if (filter.organisationId) query = query.where('organisation_id', '=', filter.organisationId);
  if (filter.action) query = query.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (filter.recordType) query = query.where('record_type', '=', filter.recordType);
  if (filter.recordId) query = query.where('record_id', '=', filter.recordId);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<', filter.to);
  if (filter.beforeId) query = query.where('id', '<', filter.beforeId);
  return query.execute();
}
