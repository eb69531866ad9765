import { createHmac } from 'node:crypto';
import Provider, { interactionPolicy, type ClientLike, type KoaContext } from 'oidc-provider';
import type { Services } from '../../platform/services.ts';
import { ACR_VALUES, acrRank, requiredRank } from '../assurance.ts';
import { CITIZEN_SESSION_COOKIE, resolveSession } from '../session.ts';
import * as store from '../store.ts';
import { accountKey, postgresAdapter } from './adapter.ts';
import { claimsFromProfile, identityDocumentClaims, OPENID_CLAIMS, SCOPE_CLAIMS } from './claims.ts';
import { profileOf } from '../profile.ts';
import { documentKeys } from '../proofing.ts';
import { signingKeys } from './keys.ts';
import * as oidcStore from './store.ts';
import { endCitizenSessionOnLogout, renderProviderError } from './provider-pages.ts';
import { throttleTokenEndpoints, ThrottledRequest } from './throttle.ts';
import { readAhead, readAheadPerRequest } from './read-ahead.ts';
import { unreachableDatabase } from '../../platform/errors.ts';
import { answerUnreachableDatabase } from './unavailable.ts';
import type { AccountRead } from './store.ts';

export const OIDC_PREFIX = '/oidc';

interface RefreshContext { oidc: { entities: { RefreshToken: { isSenderConstrained(): boolean; ttlPercentagePassed(): number }; Client: ClientLike & { clientAuthMethod: string } } } }
/**
 * Public clients' refresh tokens rotate at every use (a stolen one is detected); sender-constrained ones on the
 * FAPI 2.0 profile never rotate, as that profile requires; others rotate once most of their life has passed.
 */
function rotateRefreshToken(ctx: RefreshContext): boolean {
  const { RefreshToken: token, Client: client } = ctx.oidc.entities;
  if (client.fapi_profile === '2.0' && token.isSenderConstrained()) return false;
  if (client.clientAuthMethod === 'none' && !token.isSenderConstrained()) return true;
  return token.ttlPercentagePassed() >= 70;
}
const derive = (secret: string, purpose: string) => createHmac('sha256', secret).update(purpose).digest('base64url');

/**
 * The login prompt, plus two checks the library does not make: the portal's citizen session must still be the
 * provider session's sign-in (signing out of smartgov, or signing in again, is seen by single sign-on), and `acr_values` is enforced.
 */
function loginPolicy(services: Services) {
  const policy = interactionPolicy.base();
  const { Check } = interactionPolicy;
  const login = policy.get('login');
  login.checks.add(new Check('citizen_session', 'the citizen is not signed in to smartgov, or signed in again since', async (ctx: KoaContext) => {
    const actor = await resolveSession(services.db, services.config, ctx.cookies.get(CITIZEN_SESSION_COOKIE, { signed: false }));
    const sameSignIn = actor?.id === ctx.oidc.session.accountId && Math.floor((actor?.authTime?.getTime() ?? 0) / 1000) === ctx.oidc.session.loginTs;
    return sameSignIn ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
  }));
  login.checks.add(new Check('acr_step_up', 'a higher level of assurance is required', (ctx: KoaContext) =>
    requiredRank(ctx.oidc.params) > acrRank(ctx.oidc.session.acr) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT));
  return policy;
}

/** Each service sees its own `sub` for a person (pairwise), unless services share a declared sector. */
export function pairwiseSubject(secret: string) {
  const key = derive(secret, 'oidc pairwise subject');
  return (accountId: string, client: ClientLike) => {
    const sector = client.sectorIdentifierUri ? client.sectorIdentifier : client.clientId;
    return createHmac('sha256', key).update(`${sector}\u0000${accountId}`).digest('base64url');
  };
}

export async function createProvider(services: Services): Promise<Provider> {
  const { config, db, logger } = services;
  const keys = documentKeys(config);
  const subject = pairwiseSubject(config.SESSION_SECRET);
  const provider = new Provider(`${config.BASE_URL}${OIDC_PREFIX}`, {
    adapter: postgresAdapter(db),
    jwks: { keys: await signingKeys(db) },
    cookies: { keys: [derive(config.SESSION_SECRET, 'oidc cookies')], long: { httpOnly: true, sameSite: 'lax' }, short: { httpOnly: true, sameSite: 'lax' } },
    async findAccount(_ctx: unknown, id: string) {
      // The account and its e-ME profile, usually read with the token (read-ahead.ts): every caller asks for the claims.
      const ahead = readAhead.take<AccountRead>(accountKey(id));
      const citizen = ahead.found ? ahead.payload : await store.citizenWithProfile(db, id);
      if (!citizen || citizen.disabled_at) return undefined;
      // The provider releases only the claims of scopes the citizen granted; identity_document needs the highest level.
      return { accountId: id, claims: async () => ({ sub: id, ...claimsFromProfile(profileOf(citizen.profile)), ...identityDocumentClaims(keys, citizen, logger) }) };
    },
    claims: { acr: null, auth_time: null, iss: null, sid: null, amr: null, openid: [...OPENID_CLAIMS], ...SCOPE_CLAIMS },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address', 'identity_document'],
    acrValues: ACR_VALUES,
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: async (_ctx: unknown, accountId: string, client: ClientLike) => subject(accountId, client),
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt', 'none'],
    clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'private_key_jwt', subject_type: 'pairwise', require_auth_time: true, id_token_signed_response_alg: 'RS256' },
    extraClientMetadata: { properties: ['purpose', 'purpose_zh', 'organisation_id', 'environment', 'fapi_profile'] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: true },
      fapi: { enabled: true, profile: (_ctx: unknown, client?: ClientLike) => (client?.fapi_profile === '2.0' ? '2.0' : undefined) },
      claimsParameter: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/account/authorize/${interaction.uid}`, policy: loginPolicy(services) },
    // Remembered grants live in citizen_grants (Connected services), not in one browser's session.
    async loadExistingGrant(ctx: KoaContext) {
      const accountId = ctx.oidc.session.accountId;
      const grantId = ctx.oidc.result?.consent?.grantId ?? (accountId ? (await oidcStore.grantFor(db, accountId, ctx.oidc.client.clientId))?.grant_id : undefined);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    // Signing out ends the tokens but keeps the citizen's remembered permission (withdrawn only in Connected services).
    revokeGrantPolicy: (ctx: KoaContext & { oidc: { route: string; entities: { AccessToken?: unknown } } }) =>
      ctx.oidc.route !== 'end_session_confirm' && !(ctx.oidc.route === 'revocation' && ctx.oidc.entities.AccessToken),
    rotateRefreshToken,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 3600, Session: config.CITIZEN_SESSION_MAX_HOURS * 3600,
      Grant: 365 * 24 * 3600, RefreshToken: 14 * 24 * 3600, ClientCredentials: 600,
    },
    renderError: renderProviderError,
  });
  provider.proxy = config.TRUST_PROXY;
  provider.on('grant.revoked', (_ctx: unknown, grantId: string) => {
    oidcStore.deleteGrantById(db, grantId).catch((error: unknown) => logger.error({ err: error }, 'could not forget a revoked grant'));
  });
  answerUnreachableDatabase(provider, logger);
  endCitizenSessionOnLogout(provider, services);
  readAheadPerRequest(provider);
  throttleTokenEndpoints(provider, db);
  provider.on('server_error', (_ctx: unknown, error: Error) => {
    // A database that cannot be reached is logged once, where it is answered 503 (unavailable.ts).
    if (!(error instanceof ThrottledRequest) && !unreachableDatabase(error)) logger.error({ err: error }, 'openid provider error');
  });
  return provider;
}
