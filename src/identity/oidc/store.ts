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

/** Written as plain SQL: the token endpoint saves a token at every call, and building the statement cost more than sending it. */
export async function upsertModel(db: Queryable, row: OidcModelsTable): Promise<void> {
  await sql`INSERT INTO oidc_models (kind, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
    VALUES (${row.kind}, ${row.id}, ${JSON.stringify(row.payload)}, ${row.grant_id}, ${row.user_code}, ${row.uid}, ${row.expires_at}, NULL)
    ON CONFLICT (kind, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code, uid = excluded.uid,
      expires_at = excluded.expires_at, consumed_at = NULL`.execute(db);
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
/** Counters that could be throttling: any of `keys` with at least `failures` in the last `windowSeconds`. */
export interface ThrottleProbe { keys: string[]; failures: number; windowSeconds: number }
/**
 * A live token and, in the same statement, what every token and userinfo request reads next: its live grant and
 * session, its citizen with the e-ME profile (each null when missing or expired), and whether the caller's address
 * may be throttled (the function oidc_token_bundle, planned once per connection).
 */
export async function findTokenBundle(db: Queryable, kind: string, id: string, throttle: ThrottleProbe = { keys: [], failures: 0, windowSeconds: 0 }): Promise<TokenBundle | undefined> {
  const { rows } = await sql<BundleRow>`SELECT * FROM oidc_token_bundle(${kind}, ${id}, ${new Date()}, ${throttle.keys}::text[], ${throttle.failures}::integer, ${throttle.windowSeconds}::integer)`.execute(db);
  return rows[0] && bundleOf(rows[0]);
}
/** A token to read with its bundle, and its caller's throttle probe. */
export interface TokenBundleRequest { id: string; throttle: ThrottleProbe }
/**
 * Where a reader of the identity change log (migration identity_changes) stands: it has seen every change up to `seq`
 * but those of the transactions `pending` (in progress at its last read), which may still commit.
 */
export interface ChangeLogPlace { seq: number; pending: string[] }
/** The change log read from a place: the changed keys since, and the new place. */
export interface ChangesRead { keys: string[]; place: ChangeLogPlace }
/**
 * The identity changes committed since `from` (none the first time: undefined) and, in the same statement and so at
 * the same moment, findTokenBundle for each of `requests` (the function oidc_token_bundles; undefined at a request's
 * place when its token is not found; with no requests, the log alone). More than `maxKeys` keys are cut at one more,
 * for the caller to see that there were too many.
 */
export async function readChangesAndBundles(db: Queryable, kind: string, from: ChangeLogPlace | undefined, requests: readonly TokenBundleRequest[], maxKeys: number): Promise<{ changes: ChangesRead; bundles: (TokenBundle | undefined)[] }> {
  const place = from ?? { seq: 0, pending: [] };
  const log = sql`identity_changes_since(${from !== undefined}, ${place.seq}, ${place.pending}::xid8[], ${maxKeys + 1})`;
  type Log = { seq: number | null; pending: string[]; keys: string[] };
  const bundles: (TokenBundle | undefined)[] = new Array(requests.length).fill(undefined);
  let read: Log;
  if (requests.length === 0) {
    read = (await sql<{ log: Log }>`SELECT ${log} AS log`.execute(db)).rows[0]!.log;
  } else {
    const { keys, owners } = throttleOwners(requests);
    const { rows } = await sql<BundleRow & { place: number | null; log: Log | null }>`SELECT CASE WHEN row_number() OVER () = 1 THEN s.log END AS log, b.*
      FROM (SELECT ${log} AS log) s LEFT JOIN LATERAL oidc_token_bundles(${kind}, ${requests.map((r) => r.id)}::text[], ${new Date()},
        ${keys}::text[], ${owners}::integer[], ${requests.map((r) => r.throttle.failures)}::integer[], ${requests.map((r) => r.throttle.windowSeconds)}::integer[]) b ON true`.execute(db);
    read = rows[0]!.log!;
    for (const row of rows) if (row.place !== null) bundles[row.place - 1] = bundleOf(row);
  }
  return { changes: { keys: read.keys, place: { seq: Math.max(place.seq, read.seq ?? 0), pending: read.pending } }, bundles };
}
/** The requests' throttle keys in one array, each with its request's place (from 1) in another. */
function throttleOwners(requests: readonly TokenBundleRequest[]): { keys: string[]; owners: number[] } {
  const keys: string[] = [];
  const owners: number[] = [];
  requests.forEach((request, i) => {
    for (const key of request.throttle.keys) { keys.push(key); owners.push(i + 1); }
  });
  return { keys, owners };
}
type BundleRow = ModelRead & {
  grant_payload: Record<string, unknown> | null; grant_consumed_at: Date | null; session_payload: Record<string, unknown> | null; session_consumed_at: Date | null;
  citizen_id: string | null; disabled_at: Date | null; proofed_at: Date | null; document_type: string | null; document_ciphertext: string | null;
  profile: AccountRead['profile'] | null; throttle_counted: boolean;
};
function bundleOf(row: BundleRow): TokenBundle {
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
/** Until the transaction ends, other consents of this citizen to this service wait (they would make a second grant). */
export async function lockConsent(trx: Queryable, citizenId: string, clientId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`citizen-grant:${citizenId}:${clientId}`}, 0))`.execute(trx);
}
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
