import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Queryable } from '../platform/db/database.ts';

interface CitizensTable {
  id: Generated<string>;
  email: string | null;
  phone: Generated<string | null>;
  password_hash: string;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  proofed_at: Date | null;
  disabled_at: Date | null;
  created_at: Generated<Date>;
  document_type: Generated<string | null>;
  document_ciphertext: Generated<string | null>;
  document_lookup: Generated<string | null>;
  proofed_by: Generated<string | null>;
}
interface CitizenPasskeysTable { credential_id: string; citizen_id: string; public_key: string; counter: number; transports: string[]; created_at: Generated<Date>; last_used_at: Date | null }
interface CitizenPhoneCodesTable { id: Generated<string>; citizen_id: string; phone: string; code_hash: string; attempts: Generated<number>; expires_at: Date; used_at: Date | null; created_at: Generated<Date> }
interface CitizenPersonalCodesTable { code_hash: string; citizen_id: string; expires_at: Date; used_at: Date | null; created_at: Generated<Date> }
interface CitizenEmailCodesTable {
  id: Generated<string>;
  /** The email address, or the mobile number when `channel` is sms. */
  email: string;
  channel: Generated<'email' | 'sms'>;
  code_hash: string;
  attempts: Generated<number>;
  expires_at: Date;
  used_at: Date | null;
  created_at: Generated<Date>;
}
interface CitizenRecoveryCodesTable { citizen_id: string; code_hash: string; used_at: Date | null }
interface CitizenSessionsTable {
  id_hash: string;
  citizen_id: string;
  acr: string;
  amr: string[];
  auth_time: Generated<Date>;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  address: string | null;
  user_agent: string | null;
}
interface CitizenProfileFieldsTable { citizen_id: string; field: string; value: string; verified: boolean; updated_at: Generated<Date> }

declare module '../platform/db/schema.ts' {
  interface Database {
    citizens: CitizensTable;
    citizen_email_codes: CitizenEmailCodesTable;
    citizen_recovery_codes: CitizenRecoveryCodesTable;
    citizen_sessions: CitizenSessionsTable;
    citizen_profile_fields: CitizenProfileFieldsTable;
    citizen_personal_codes: CitizenPersonalCodesTable;
    citizen_passkeys: CitizenPasskeysTable;
    citizen_phone_codes: CitizenPhoneCodesTable;
  }
}
export type CitizenRow = Selectable<CitizensTable>;
export type CitizenSessionRow = Selectable<CitizenSessionsTable>;
export type ProfileFieldRow = Selectable<CitizenProfileFieldsTable>;

export const citizenByEmail = (db: Queryable, email: string) => db.selectFrom('citizens').selectAll().where('email', '=', email).executeTakeFirst();
/** By the sign-in identifier: an email address (lower case) or a mobile number (+country code and digits). */
export const citizenByIdentifier = (db: Queryable, identifier: string) =>
  db.selectFrom('citizens').selectAll().where(identifier.startsWith('+') ? 'phone' : 'email', '=', identifier).executeTakeFirst();
/** What the citizen signs in with, for labels: the email address, or else the mobile number. */
export const identifierOf = (row: { email: string | null; phone: string | null }) => row.email ?? row.phone ?? '';
export const citizenById = (db: Queryable, id: string) => db.selectFrom('citizens').selectAll().where('id', '=', id).executeTakeFirst();
export const insertCitizen = (db: Queryable, row: Insertable<CitizensTable>) => db.insertInto('citizens').values(row).returningAll().executeTakeFirstOrThrow();
export async function updateCitizen(db: Queryable, id: string, set: Partial<Pick<CitizenRow, 'totp_secret' | 'totp_pending_secret' | 'proofed_at'>>): Promise<void> {
  await db.updateTable('citizens').set(set).where('id', '=', id).execute();
}

export const insertEmailCode = (db: Queryable, row: Insertable<CitizenEmailCodesTable>) => db.insertInto('citizen_email_codes').values(row).returning('id').executeTakeFirstOrThrow();
/** Counts the attempt and returns the code, in one statement, so parallel guesses cannot share an attempt. */
export async function attemptEmailCode(db: Queryable, id: string, maxAttempts: number) {
  return db.updateTable('citizen_email_codes').set({ attempts: sql`attempts + 1` })
    .where('id', '=', id).where('used_at', 'is', null).where('expires_at', '>', new Date()).where('attempts', '<', maxAttempts)
    .returningAll().executeTakeFirst();
}
export async function markEmailCodeUsed(db: Queryable, id: string): Promise<boolean> {
  const result = await db.updateTable('citizen_email_codes').set({ used_at: new Date() }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function replaceRecoveryCodes(db: Queryable, citizenId: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('citizen_recovery_codes').where('citizen_id', '=', citizenId).execute();
  await db.insertInto('citizen_recovery_codes').values(hashes.map((code_hash) => ({ citizen_id: citizenId, code_hash, used_at: null }))).execute();
}
export async function useRecoveryCode(db: Queryable, citizenId: string, hash: string): Promise<boolean> {
  const result = await db.updateTable('citizen_recovery_codes').set({ used_at: new Date() })
    .where('citizen_id', '=', citizenId).where('code_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertSession(db: Queryable, row: Insertable<CitizenSessionsTable>): Promise<void> {
  await db.insertInto('citizen_sessions').values(row).execute();
}
export async function liveSession(db: Queryable, idHash: string, idleMinutes: number) {
  return db.selectFrom('citizen_sessions as s').innerJoin('citizens as c', 'c.id', 's.citizen_id')
    .select(['s.id_hash', 's.acr', 's.amr', 's.auth_time', 's.last_seen_at', 'c.id', 'c.email', 'c.phone'])
    .where('s.id_hash', '=', idHash).where('s.expires_at', '>', new Date())
    .where('s.last_seen_at', '>', new Date(Date.now() - idleMinutes * 60_000)).where('c.disabled_at', 'is', null)
    .executeTakeFirst();
}
export const sessionsOf = (db: Queryable, citizenId: string) =>
  db.selectFrom('citizen_sessions').selectAll().where('citizen_id', '=', citizenId).where('expires_at', '>', new Date()).orderBy('last_seen_at', 'desc').execute();

/** A citizen with their e-ME profile fields, in one query. */
export const citizenWithProfile = (db: Queryable, id: string) => db.selectFrom('citizens').selectAll('citizens')
  .select((eb) => jsonArrayFrom(eb.selectFrom('citizen_profile_fields as f').select(['f.field', 'f.value', 'f.verified']).whereRef('f.citizen_id', '=', 'citizens.id')).as('profile'))
  .where('citizens.id', '=', id).executeTakeFirst();
export const profileFields = (db: Queryable, citizenId: string) => db.selectFrom('citizen_profile_fields').selectAll().where('citizen_id', '=', citizenId).execute();
export async function upsertProfileField(db: Queryable, row: { citizen_id: string; field: string; value: string; verified: boolean }): Promise<void> {
  await db.insertInto('citizen_profile_fields').values(row)
    .onConflict((oc) => oc.columns(['citizen_id', 'field']).doUpdateSet({ value: row.value, verified: row.verified, updated_at: new Date() })).execute();
}
export async function deleteProfileField(db: Queryable, citizenId: string, field: string): Promise<void> {
  await db.deleteFrom('citizen_profile_fields').where('citizen_id', '=', citizenId).where('field', '=', field).execute();
}

export const citizenByDocument = (db: Queryable, lookup: string) => db.selectFrom('citizens').select(['id']).where('document_lookup', '=', lookup).executeTakeFirst();
export async function recordProofing(db: Queryable, id: string, set: { document_type: string; document_ciphertext: string; document_lookup: string; proofed_by: string }): Promise<void> {
  await db.updateTable('citizens').set({ ...set, proofed_at: new Date() }).where('id', '=', id).execute();
}
export async function insertPersonalCode(db: Queryable, row: { code_hash: string; citizen_id: string; expires_at: Date }): Promise<void> {
  await db.deleteFrom('citizen_personal_codes').where('citizen_id', '=', row.citizen_id).where('used_at', 'is', null).execute();
  await db.insertInto('citizen_personal_codes').values({ ...row, used_at: null }).execute();
}
/** Spends a live code in one statement, so two officers cannot both use it. */
export async function usePersonalCode(db: Queryable, codeHash: string) {
  return db.updateTable('citizen_personal_codes').set({ used_at: new Date() })
    .where('code_hash', '=', codeHash).where('used_at', 'is', null).where('expires_at', '>', new Date())
    .returning(['citizen_id']).executeTakeFirst();
}

export const passkeysOf = (db: Queryable, citizenId: string) => db.selectFrom('citizen_passkeys').selectAll().where('citizen_id', '=', citizenId).orderBy('created_at').execute();
export const passkeyById = (db: Queryable, credentialId: string) => db.selectFrom('citizen_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
export async function insertPasskey(db: Queryable, row: { credential_id: string; citizen_id: string; public_key: string; counter: number; transports: string[] }): Promise<void> {
  await db.insertInto('citizen_passkeys').values({ ...row, last_used_at: null }).execute();
}
export async function markPasskeyUsed(db: Queryable, credentialId: string, counter: number): Promise<void> {
  await db.updateTable('citizen_passkeys').set({ counter, last_used_at: new Date() }).where('credential_id', '=', credentialId).execute();
}

export async function insertPhoneCode(db: Queryable, row: { citizen_id: string; phone: string; code_hash: string; expires_at: Date }): Promise<void> {
  await db.insertInto('citizen_phone_codes').values({ ...row, used_at: null }).execute();
}
/** Counts an attempt on the citizen's latest live code and returns it (committed before the comparison). */
export async function attemptPhoneCode(db: Queryable, citizenId: string, maxAttempts: number) {
  const latest = await db.selectFrom('citizen_phone_codes').select('id').where('citizen_id', '=', citizenId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  if (!latest) return undefined;
  return db.updateTable('citizen_phone_codes').set({ attempts: sql`attempts + 1` })
    .where('id', '=', latest.id).where('used_at', 'is', null).where('expires_at', '>', new Date()).where('attempts', '<', maxAttempts)
    .returningAll().executeTakeFirst();
}
export async function markPhoneCodeUsed(db: Queryable, id: string): Promise<boolean> {
  const result = await db.updateTable('citizen_phone_codes').set({ used_at: new Date() }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
