import { sql, type Generated, type Selectable } from 'kysely';
import type { Queryable } from '../../platform/db/database.ts';

interface OidcModelsTable {
  kind: string;
  id: string;
  payload: Record<string, unknown>;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: Date | null;
  consumed_at: Date | null;
}
interface OidcSigningKeysTable { kid: string; jwk: Record<string, unknown>; created_at: Date; retired_at: Date | null }
interface OidcClientRequestsTable {
  id: Generated<string>; organisation_id: string; requested_by: string; registration: Record<string, unknown>;
  status: Generated<'pending' | 'approved'>; client_id: string | null; created_at: Generated<Date>; decided_at: Date | null;
}
interface CitizenGrantsTable { citizen_id: string; client_id: string; grant_id: string; scopes: string[]; claims: string[]; granted_at: Date }

declare module '../../platform/db/schema.ts' {
  interface Database {
    oidc_models: OidcModelsTable;
    oidc_signing_keys: OidcSigningKeysTable;
    citizen_grants: CitizenGrantsTable;
    oidc_client_requests: OidcClientRequestsTable;
  }
}
export type CitizenGrantRow = Selectable<CitizenGrantsTable>;

export async function upsertModel(db: Queryable, row: OidcModelsTable): Promise<void> {
  await db.insertInto('oidc_models').values({ ...row, payload: JSON.stringify(row.payload) as never })
    .onConflict((oc) => oc.columns(['kind', 'id']).doUpdateSet({
      payload: JSON.stringify(row.payload) as never, grant_id: row.grant_id, user_code: row.user_code, uid: row.uid, expires_at: row.expires_at, consumed_at: null,
    })).execute();
}

/** A live model: expired rows are invisible even before they are swept. */
export async function findModel(db: Queryable, kind: string, by: 'id' | 'uid' | 'user_code', value: string) {
  return db.selectFrom('oidc_models').select(['payload', 'consumed_at']).where('kind', '=', kind).where(by, '=', value)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())])).executeTakeFirst();
}
type ModelRead = { payload: Record<string, unknown>; consumed_at: Date | null };
/** What the provider's findAccount needs of a citizen: the account, its e-ME profile and its identity document. */
export interface AccountRead {
  id: string; disabled_at: Date | null; proofed_at: Date | null; document_type: string | null; document_ciphertext: string | null;
  profile: { field: string; value: string; verified: boolean }[];
}
export interface TokenBundle extends ModelRead {
  grant: ModelRead | null;
  session: ModelRead | null;
  account: AccountRead | null;
  /** Whether a counter for the keys asked about could be throttling (then the exact check is worth a query). */
  throttleCounted: boolean;
}
/**
 * A live token and, in the same statement, what every token and userinfo request reads next: its live grant and
 * session, its citizen with the e-ME profile (each null when missing or expired), and whether the caller's address
 * may be throttled.
 */
/** Counters that could be throttling: any of `keys` with at least `failures` in the last `windowSeconds`. */
export interface ThrottleProbe { keys: string[]; failures: number; windowSeconds: number }
export async function findTokenBundle(db: Queryable, kind: string, id: string, throttle: ThrottleProbe = { keys: [], failures: 0, windowSeconds: 0 }): Promise<TokenBundle | undefined> {
  const now = new Date();
  const { rows } = await sql<ModelRead & {
    grant_payload: Record<string, unknown> | null; grant_consumed_at: Date | null; session_payload: Record<string, unknown> | null; session_consumed_at: Date | null;
    citizen_id: string | null; disabled_at: Date | null; proofed_at: Date | null; document_type: string | null; document_ciphertext: string | null;
    profile: AccountRead['profile'] | null; throttle_counted: boolean;
  }>`
    SELECT t.payload, t.consumed_at, g.payload AS grant_payload, g.consumed_at AS grant_consumed_at, s.payload AS session_payload, s.consumed_at AS session_consumed_at,
      c.id AS citizen_id, c.disabled_at, c.proofed_at, c.document_type, c.document_ciphertext,
      CASE WHEN c.id IS NOT NULL THEN (SELECT coalesce(json_agg(json_build_object('field', f.field, 'value', f.value, 'verified', f.verified)), '[]'::json) FROM citizen_profile_fields f WHERE f.citizen_id = c.id) END AS profile,
      EXISTS (SELECT 1 FROM throttle_counters WHERE key = ANY(${throttle.keys}::text[]) AND failures >= ${throttle.failures}
        AND window_start > now() - make_interval(secs => ${throttle.windowSeconds})) AS throttle_counted
    FROM oidc_models t
    LEFT JOIN oidc_models g ON g.kind = 'Grant' AND g.id = t.payload->>'grantId' AND (g.expires_at IS NULL OR g.expires_at > ${now})
    LEFT JOIN oidc_models s ON s.kind = 'Session' AND s.uid = t.payload->>'sessionUid' AND (s.expires_at IS NULL OR s.expires_at > ${now})
    LEFT JOIN citizens c ON c.id = CASE WHEN t.payload->>'accountId' ~ '^[0-9a-fA-F-]{36}$' THEN (t.payload->>'accountId')::uuid END
    WHERE t.kind = ${kind} AND t.id = ${id} AND (t.expires_at IS NULL OR t.expires_at > ${now})`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  return {
    payload: row.payload, consumed_at: row.consumed_at,
    grant: row.grant_payload ? { payload: row.grant_payload, consumed_at: row.grant_consumed_at } : null,
    session: row.session_payload ? { payload: row.session_payload, consumed_at: row.session_consumed_at } : null,
    account: row.citizen_id ? {
      id: row.citizen_id, disabled_at: row.disabled_at, proofed_at: row.proofed_at, document_type: row.document_type, document_ciphertext: row.document_ciphertext, profile: row.profile ?? [],
    } : null,
    throttleCounted: row.throttle_counted,
  };
}
export async function consumeModel(db: Queryable, kind: string, id: string): Promise<void> {
  await db.updateTable('oidc_models').set({ consumed_at: new Date() }).where('kind', '=', kind).where('id', '=', id).execute();
}
export async function destroyModel(db: Queryable, kind: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_models').where('kind', '=', kind).where('id', '=', id).execute();
}
/** Everything issued under a grant (codes, tokens, the grant itself), whatever its kind. */
export async function destroyByGrant(db: Queryable, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_models').where((eb) => eb.or([eb('grant_id', '=', grantId), eb.and([eb('kind', '=', 'Grant'), eb('id', '=', grantId)])])).execute();
}
export async function destroyKindByGrant(db: Queryable, kind: string, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_models').where('kind', '=', kind).where('grant_id', '=', grantId).execute();
}
export async function deleteGrantById(db: Queryable, grantId: string): Promise<void> {
  await db.deleteFrom('citizen_grants').where('grant_id', '=', grantId).execute();
}
export const activeKeys = (db: Queryable) => db.selectFrom('oidc_signing_keys').selectAll().where('retired_at', 'is', null).orderBy('created_at', 'desc').execute();
export async function insertKey(db: Queryable, kid: string, jwk: Record<string, unknown>): Promise<void> {
  await db.insertInto('oidc_signing_keys').values({ kid, jwk: JSON.stringify(jwk) as never, created_at: new Date(), retired_at: null }).execute();
}
export async function retireKeysBefore(db: Queryable, before: Date): Promise<void> {
  await db.updateTable('oidc_signing_keys').set({ retired_at: new Date() }).where('created_at', '<', before).where('retired_at', 'is', null).execute();
}

export const grantsOf = (db: Queryable, citizenId: string) => db.selectFrom('citizen_grants').selectAll().where('citizen_id', '=', citizenId).orderBy('granted_at', 'desc').execute();
export const grantFor = (db: Queryable, citizenId: string, clientId: string) =>
  db.selectFrom('citizen_grants').selectAll().where('citizen_id', '=', citizenId).where('client_id', '=', clientId).executeTakeFirst();
export async function saveGrant(db: Queryable, row: CitizenGrantsTable): Promise<void> {
  await db.insertInto('citizen_grants').values(row)
    .onConflict((oc) => oc.columns(['citizen_id', 'client_id']).doUpdateSet({ grant_id: row.grant_id, scopes: row.scopes, claims: row.claims, granted_at: row.granted_at })).execute();
}
export async function deleteGrant(db: Queryable, citizenId: string, clientId: string): Promise<void> {
  await db.deleteFrom('citizen_grants').where('citizen_id', '=', citizenId).where('client_id', '=', clientId).execute();
}

export type ClientRequestRow = Selectable<OidcClientRequestsTable>;
export const clientsOfOrganisation = (db: Queryable, organisationId: string) =>
  db.selectFrom('oidc_models').select(['id', 'payload']).where('kind', '=', 'Client').where(sql<boolean>`payload->>'organisation_id' = ${organisationId}`).orderBy('id').execute();
export async function insertClientRequest(db: Queryable, row: { organisation_id: string; requested_by: string; registration: Record<string, unknown> }): Promise<string> {
  return (await db.insertInto('oidc_client_requests').values({ ...row, registration: JSON.stringify(row.registration) as never, client_id: null, decided_at: null }).returning('id').executeTakeFirstOrThrow()).id;
}
export const clientRequests = (db: Queryable, filter: { organisationId?: string; status?: 'pending' }) => {
  let query = db.selectFrom('oidc_client_requests').selectAll().orderBy('created_at', 'desc');
  if (filter.organisationId) query = query.where('organisation_id', '=', filter.organisationId);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.execute();
};
export async function approveClientRequest(db: Queryable, id: string, clientId: string): Promise<ClientRequestRow | undefined> {
  return db.updateTable('oidc_client_requests').set({ status: 'approved', client_id: clientId, decided_at: new Date() }).where('id', '=', id).where('status', '=', 'pending').returningAll().executeTakeFirst();
}
export const clientRequestById = (db: Queryable, id: string) => db.selectFrom('oidc_client_requests').selectAll().where('id', '=', id).executeTakeFirst();
