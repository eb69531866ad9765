import { randomBytes } from 'node:crypto';
import type { Db, Trx } from '../../platform/db/database.ts';
import type { RequestContext } from '../../platform/context.ts';
import { recordAudit } from '../../platform/audit/index.ts';
import { invalidInput } from '../../platform/errors.ts';
import * as store from './store.ts';

export interface ClientRegistration {
  clientName: string;
  purpose: string;
  purposeZh?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** A public JWK Set for private_key_jwt; without it the client gets a secret for client_secret_basic. */
  jwks?: { keys: Record<string, unknown>[] };
  organisationId?: string;
  clientId?: string;
  /** Sandbox clients may use loopback http redirect URIs; production ones only https. */
  environment?: 'sandbox' | 'production';
  /** FAPI 2.0 Security Profile: PAR required, private_key_jwt, DPoP-bound tokens, refresh tokens not rotated. */
  fapi2?: boolean;
  /**
   * A public client (an app on a phone or a single-page app, which cannot keep a secret): no client authentication,
   * PKCE only, and its refresh tokens rotate at every use.
   */
  publicClient?: boolean;
  /** Only for published sample clients; real clients always get a generated secret. */
  clientSecret?: string;
}

/** Redirect URIs match exactly; https, except loopback addresses while a service is developed in the sandbox. */
export function checkRedirectUri(uri: string, environment: 'sandbox' | 'production' = 'sandbox'): boolean {
  try {
    const url = new URL(uri);
    if (url.hash) return false;
    return url.protocol === 'https:' || (environment === 'sandbox' && url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

/** Registers a relying party (kept as oidc-provider's Client model) and returns its id and, if any, its secret. */
export async function registerClient(db: Db, ctx: RequestContext, input: ClientRegistration): Promise<{ clientId: string; clientSecret?: string }> {
  return db.transaction().execute((trx) => insertClient(trx, ctx, input));
}

/** The same, inside the caller's transaction (the approval of a production client). */
export async function insertClient(trx: Trx, ctx: RequestContext, input: ClientRegistration): Promise<{ clientId: string; clientSecret?: string }> {
  const environment = input.environment ?? 'sandbox';
  const bad = [...input.redirectUris, ...(input.postLogoutRedirectUris ?? [])].filter((u) => !checkRedirectUri(u, environment));
  if (input.redirectUris.length === 0 || bad.length) throw invalidInput([{ field: 'redirectUris', reason: environment === 'sandbox' ? 'must be https (or loopback http) URLs without a fragment' : 'must be https URLs without a fragment' }]);
  if (input.publicClient && (input.jwks || input.fapi2)) throw invalidInput([{ field: 'jwks', reason: 'A public client has no keys and cannot use the FAPI 2.0 profile' }]);
  if (input.fapi2 && !input.jwks) throw invalidInput([{ field: 'jwks', reason: 'FAPI 2.0 clients authenticate with private_key_jwt: give their public JWK Set' }]);
  const clientId = input.clientId ?? `sg-${randomBytes(9).toString('base64url')}`;
  const clientSecret = input.jwks || input.publicClient ? undefined : (input.clientSecret ?? randomBytes(32).toString('base64url'));
  const metadata = {
    client_id: clientId, client_name: input.clientName, purpose: input.purpose, environment, ...(input.purposeZh ? { purpose_zh: input.purposeZh } : {}),
    redirect_uris: input.redirectUris, post_logout_redirect_uris: input.postLogoutRedirectUris ?? [],
    ...(input.publicClient ? { token_endpoint_auth_method: 'none' }
      : input.jwks ? { token_endpoint_auth_method: 'private_key_jwt', jwks: input.jwks } : { token_endpoint_auth_method: 'client_secret_basic', client_secret: clientSecret }),
    ...(input.organisationId ? { organisation_id: input.organisationId } : {}),
    ...(input.fapi2 ? { fapi_profile: '2.0', dpop_bound_access_tokens: true, require_pushed_authorization_requests: true } : {}),
  };
  await store.upsertModel(trx, { kind: 'Client', id: clientId, payload: metadata, grant_id: null, user_code: null, uid: null, expires_at: null, consumed_at: null });
  await recordAudit(trx, ctx, { action: 'oidc_client.registered', recordType: 'oidc_client', recordId: clientId, organisationId: input.organisationId ?? null, detail: { name: input.clientName, environment, redirectUris: input.redirectUris } });
  return { clientId, ...(clientSecret ? { clientSecret } : {}) };
}
