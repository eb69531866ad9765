import type { Generated, Insertable, Selectable } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';

interface SigningKeysTable { kid: string; public_jwk: unknown; private_jwk_sealed: string; created_at: Generated<Date>; retired_at: Date | null }
interface DocumentsTable {
  id: Generated<string>;
  citizen_id: string;
  organisation_id: string;
  kind: string;
  title_en: string;
  title_zh_hk: string;
  holder_name: string;
  claims: unknown;
  source_reference: string | null;
  issued_at: Date;
  valid_until: string | null;
  revoked_at: Date | null;
  revocation_reason: string | null;
  reminded_at: Generated<Date | null>;
  jws: string;
}
interface SharesTable { token_hash: string; document_id: string; expires_at: Date; created_at: Generated<Date> }

declare module '../platform/db/schema.ts' {
  interface Database { wallet_signing_keys: SigningKeysTable; wallet_documents: DocumentsTable; wallet_shares: SharesTable }
}

export type SigningKeyRow = Selectable<SigningKeysTable>;
export type DocumentRow = Selectable<DocumentsTable>;

export const activeKey = (db: Queryable) =>
  db.selectFrom('wallet_signing_keys').selectAll().where('retired_at', 'is', null).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
export const allKeys = (db: Queryable) => db.selectFrom('wallet_signing_keys').select(['kid', 'public_jwk']).orderBy('created_at').execute();
export async function insertKey(db: Queryable, row: Insertable<SigningKeysTable>): Promise<void> {
  await db.insertInto('wallet_signing_keys').values(row).onConflict((oc) => oc.doNothing()).execute();
}

export async function insertDocument(db: Queryable, row: Insertable<DocumentsTable>): Promise<DocumentRow> {
  return db.insertInto('wallet_documents').values(row).returningAll().executeTakeFirstOrThrow();
}
export const documentById = (db: Queryable, id: string) => db.selectFrom('wallet_documents').selectAll().where('id', '=', id).executeTakeFirst();
export const documentsOf = (db: Queryable, citizenId: string) =>
  db.selectFrom('wallet_documents').selectAll().where('citizen_id', '=', citizenId).orderBy('issued_at', 'desc').limit(500).execute();
export async function revokeDocument(db: Queryable, id: string, reason: string): Promise<DocumentRow | undefined> {
  return db.updateTable('wallet_documents').set({ revoked_at: new Date(), revocation_reason: reason }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst();
}

export async function insertShare(db: Queryable, row: Insertable<SharesTable>): Promise<void> {
  await db.insertInto('wallet_shares').values(row).execute();
}
export const liveShare = (db: Queryable, tokenHash: string) =>
  db.selectFrom('wallet_shares').selectAll().where('token_hash', '=', tokenHash).where('expires_at', '>', new Date()).executeTakeFirst();

/** Live documents expiring between the two dates whose holder has not been reminded yet. */
export const dueForReminder = (db: Queryable, from: string, to: string) =>
  db.selectFrom('wallet_documents').selectAll().where('revoked_at', 'is', null).where('reminded_at', 'is', null)
    .where('valid_until', '>=', from).where('valid_until', '<=', to).orderBy('valid_until').limit(1000).execute();
export async function markReminded(db: Queryable, id: string): Promise<boolean> {
  const row = await db.updateTable('wallet_documents').set({ reminded_at: new Date() }).where('id', '=', id).where('reminded_at', 'is', null).returning('id').executeTakeFirst();
  return row !== undefined;
}
