import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound, type FieldError } from '../platform/errors.ts';
import { checkRedirectUri, insertClient, registerClient, type ClientRegistration } from './oidc/clients.ts';
import * as store from './oidc/store.ts';

export interface ClientForm { name: string; purpose: string; redirectUris: string; environment: 'sandbox' | 'production'; jwks: string }
export interface DeveloperClient { clientId: string; name: string; environment: string; redirectUris: string[]; authMethod: string }

/** Reads the form; production clients must authenticate with their own keys (private_key_jwt), so no secret is ever sent. */
function parseForm(input: ClientForm, organisationId: string): ClientRegistration {
  const errors: FieldError[] = [];
  const redirectUris = input.redirectUris.split(/\s+/).filter(Boolean);
  if (!input.name.trim() || input.name.length > 200) errors.push({ field: 'name', reason: 'Enter the name citizens will see (up to 200 characters)' });
  if (!input.purpose.trim() || input.purpose.length > 500) errors.push({ field: 'purpose', reason: 'Say why the service asks for details (up to 500 characters)' });
  if (redirectUris.length === 0 || redirectUris.length > 10 || redirectUris.some((u) => !checkRedirectUri(u, input.environment))) {
    errors.push({ field: 'redirectUris', reason: input.environment === 'production' ? 'Enter one to ten https redirect URIs' : 'Enter one to ten https or loopback (http://localhost) redirect URIs' });
  }
  let jwks: ClientRegistration['jwks'];
  if (input.jwks.trim()) {
    try {
      const parsed = JSON.parse(input.jwks) as { keys?: unknown };
      if (!Array.isArray(parsed.keys) || parsed.keys.length === 0 || parsed.keys.some((k) => typeof k !== 'object' || k === null || 'd' in k)) throw new Error('not a public JWK Set');
      jwks = { keys: parsed.keys as Record<string, unknown>[] };
    } catch {
      errors.push({ field: 'jwks', reason: 'Paste a JSON Web Key Set of public keys: {"keys": [...]}' });
    }
  } else if (input.environment === 'production') {
    errors.push({ field: 'jwks', reason: 'Production services sign in with their own keys: paste their public JWK Set' });
  }
  if (errors.length) throw invalidInput(errors);
  return { clientName: input.name.trim(), purpose: input.purpose.trim(), redirectUris, environment: input.environment, organisationId, ...(jwks ? { jwks } : {}) };
}

export async function listDeveloperClients(db: Db, ctx: RequestContext): Promise<{ clients: DeveloperClient[]; requests: store.ClientRequestRow[] }> {
  const actor = requireRole(ctx.actor, 'organisation_admin', 'platform_admin');
  const rows = await store.clientsOfOrganisation(db, actor.organisationId);
  const clients = rows.map(({ id, payload }) => ({
    clientId: id, name: String(payload.client_name), environment: String(payload.environment ?? 'sandbox'),
    redirectUris: payload.redirect_uris as string[], authMethod: String(payload.token_endpoint_auth_method),
  }));
  return { clients, requests: await store.clientRequests(db, { organisationId: actor.organisationId, status: 'pending' }) };
}

/** Sandbox clients exist at once (the secret is shown once); production clients wait for a platform admin. */
export async function requestClient(db: Db, ctx: RequestContext, input: ClientForm): Promise<{ clientId?: string; clientSecret?: string; requestId?: string }> {
  const actor = requireRole(ctx.actor, 'organisation_admin', 'platform_admin');
  const registration = parseForm(input, actor.organisationId);
  if (input.environment === 'sandbox') return registerClient(db, ctx, registration);
  return db.transaction().execute(async (trx) => {
    const requestId = await store.insertClientRequest(trx, { organisation_id: actor.organisationId, requested_by: actor.id, registration: registration as unknown as Record<string, unknown> });
    await recordAudit(trx, ctx, { action: 'oidc_client.requested', recordType: 'oidc_client_request', recordId: requestId, detail: { name: registration.clientName } });
    return { requestId };
  });
}

export async function pendingClientRequests(db: Db, ctx: RequestContext): Promise<store.ClientRequestRow[]> {
  requireRole(ctx.actor, 'platform_admin');
  return store.clientRequests(db, { status: 'pending' });
}

export async function approveClient(db: Db, ctx: RequestContext, requestId: string): Promise<string> {
  requireRole(ctx.actor, 'platform_admin');
  return db.transaction().execute(async (trx) => {
    const request = await store.clientRequestById(trx, requestId);
    if (!request) throw notFound('The client request');
    const { clientId } = await insertClient(trx, ctx, request.registration as unknown as ClientRegistration);
    if (!(await store.approveClientRequest(trx, requestId, clientId))) throw conflict('This request was decided already.');
    return clientId;
  });
}
