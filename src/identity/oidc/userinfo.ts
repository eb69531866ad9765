import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { ClientLike } from 'oidc-provider';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db/database.ts';
import type { DomainError } from '../../platform/errors.ts';
import { profileOf } from '../profile.ts';
import type { DocumentKeys } from '../proofing.ts';
import { claimsFromProfile, identityDocumentClaims, OPENID_CLAIMS, SCOPE_CLAIMS } from './claims.ts';
import { TokenBundleCache, type TokenBundleCacheOptions } from './token-bundle-cache.ts';
import type { TokenBundle, TokenBundleRequest } from './store.ts';
import { throttleProbe, throttleRules } from './throttle.ts';
import { unreachableDatabase } from '../../platform/errors.ts';

type Payload = Record<string, unknown>;
const BEARER = /^bearer ([A-Za-z0-9_-]{20,128})$/i;
const CLAIMS_OF_SCOPE: Record<string, readonly string[]> = { openid: OPENID_CLAIMS, ...SCOPE_CLAIMS };
const now = () => Math.floor(Date.now() / 1000);
const live = (payload: Payload) => payload.exp === undefined || (typeof payload.exp === 'number' && payload.exp > now());

export interface UserinfoDeps {
  /** A token's bundle as of a read sent after the call (keptTokenBundles). */
  readBundle(request: TokenBundleRequest): Promise<TokenBundle | undefined>;
  provider: Provider;
  keys: DocumentKeys;
  logger: Pick<Logger, 'warn'>;
  pairwiseSubject(accountId: string, client: ClientLike): string;
}

/**
 * Userinfo for the common request (GET, a bearer token in the Authorization header, nothing else) without the
 * provider's middleware stack: the token, its grant, session, citizen and profile, and whether the caller's address
 * may be throttled, kept in memory but checked against the identity change log by a statement sent after the request
 * arrived, so a revocation anywhere is seen at once (keptTokenBundles); concurrent requests share that statement.
 * It answers only a request the provider would answer 200, with the same body and headers; anything else (a DPoP or
 * certificate-bound token, a claims request for userinfo, rejected claims, an Origin, an address that may be throttled, and every refusal) is
 * left to the provider, which answers it (WWW-Authenticate, 401 invalid_token, 429) and counts the failure as before.
 * A database that cannot be reached is answered 503 here: the provider would meet it again, and answer a bare 500.
 * Returns whether it answered.
 */
export async function answerUserinfo(deps: UserinfoDeps, req: IncomingMessage, res: ServerResponse, address: string): Promise<boolean> {
  if (req.method !== 'GET' || req.headers.origin !== undefined || req.headers.dpop !== undefined) return false;
  if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return false;
  const value = BEARER.exec(req.headers.authorization ?? '')?.[1];
  if (!value) return false;
  let bundle: TokenBundle | undefined;
  try {
    bundle = await deps.readBundle({ id: value, throttle: throttleProbe(throttleRules(address, undefined)) });
  } catch (error) {
    const unavailable = unreachableDatabase(error);
    if (!unavailable) throw error;
    deps.logger.warn({ err: error }, 'userinfo: the database cannot be reached');
    answerUnavailable(res, unavailable);
    return true;
  }
  if (!bundle || bundle.throttleCounted || bundle.consumed_at || !bundle.grant || !bundle.account || bundle.account.disabled_at) return false;
  const token = bundle.payload;
  if (token.kind !== 'AccessToken' || token.jti !== value || typeof token.exp !== 'number' || !live(token) || token.nbf !== undefined) return false;
  if (token.aud !== undefined || token.jkt !== undefined || token['x5t#S256'] !== undefined || token.rar !== undefined) return false;
  // A claims request for userinfo (the claims parameter) is the provider's to filter; the ID token's part does not matter here.
  if (typeof token.claims === 'object' && token.claims !== null && (token.claims as Payload).userinfo !== undefined) return false;
  const scopes = new Set(typeof token.scope === 'string' ? token.scope.split(' ') : []);
  if (!scopes.has('openid')) return false;
  const grant = bundle.grant.payload;
  if (!live(grant) || grant.clientId !== token.clientId || grant.accountId !== token.accountId || grant.rejected !== undefined) return false;
  if (token.expiresWithSession && !sessionStillBinds(bundle.session?.payload, token)) return false;
  const client = await deps.provider.Client.find(token.clientId as string);
  if (!client || client.userinfoSignedResponseAlg || client.userinfoEncryptedResponseAlg) return false;

  const body = answerOf(deps, bundle, scopes, client);
  res.writeHead(200, {
    'cache-control': 'no-store', vary: 'Origin', 'access-control-allow-origin': '*', 'access-control-expose-headers': 'WWW-Authenticate',
    'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body),
  });
  res.end(body);
  return true;
}

// A kept bundle is the same object at every call until something in it changes (token-bundle-cache.ts): its answer,
// for the same client, is made once.
const answers = new WeakMap<UserinfoDeps, WeakMap<TokenBundle, { client: ClientLike; body: string }>>();

/** The answer's body: the provider's filter, the grant's OpenID scopes that the token carries, each releasing its claims. */
function answerOf(deps: UserinfoDeps, bundle: TokenBundle, scopes: Set<string>, client: ClientLike): string {
  let made = answers.get(deps);
  if (!made) answers.set(deps, (made = new WeakMap()));
  const known = made.get(bundle);
  if (known?.client === client) return known.body;
  const account = bundle.account!;
  const granted = (bundle.grant!.payload.openid as { scope?: string } | undefined)?.scope?.split(' ') ?? [];
  const released = granted.filter((s) => scopes.has(s));
  // The identity document is decrypted only when this answer releases it.
  const document = released.includes('identity_document') ? identityDocumentClaims(deps.keys, account, deps.logger) : {};
  const available: Payload = { sub: account.id, ...claimsFromProfile(profileOf(account.profile)), ...document };
  const claims: Payload = {};
  for (const scope of released) {
    for (const claim of CLAIMS_OF_SCOPE[scope] ?? []) if (claim in available) claims[claim] = available[claim];
  }
  if (typeof claims.sub === 'string' && client.subjectType === 'pairwise') claims.sub = deps.pairwiseSubject(claims.sub, client);
  const body = JSON.stringify(claims);
  made.set(bundle, { client, body });
  return body;
}

/** OAuth's error for a server that cannot answer for now (RFC 6749 §4.1.2.1), with when to try again. */
function answerUnavailable(res: ServerResponse, error: DomainError): void {
  const body = JSON.stringify({ error: 'temporarily_unavailable', error_description: error.message });
  res.writeHead(503, {
    'cache-control': 'no-store', 'retry-after': String(error.extra.retryAfterSeconds ?? 5), vary: 'Origin', 'access-control-allow-origin': '*',
    'access-control-expose-headers': 'WWW-Authenticate', 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** A token that ends with its sign-in: the provider session must still be that sign-in's, for this grant. */
function sessionStillBinds(session: Payload | undefined, token: Payload): boolean {
  if (!session || !live(session) || session.accountId !== token.accountId) return false;
  const authorizations = session.authorizations as Record<string, { grantId?: string }> | undefined;
  return authorizations?.[token.clientId as string]?.grantId === token.grantId;
}

/** Access tokens' bundles kept in this process and checked against the change log at every call (token-bundle-cache.ts). */
export function keptTokenBundles(db: Db, options?: TokenBundleCacheOptions): UserinfoDeps['readBundle'] {
  return new TokenBundleCache(db, options).read;
}
