import type { IncomingMessage } from 'node:http';
import { Type } from 'typebox';
import { FormText } from '../schemas.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import type { ModuleRoutes } from '../../platform/services.ts';
import type { CitizenActor } from '../../platform/context.ts';
import { DomainError } from '../../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../../platform/http/pages.ts';
import { acrRank, requiredRank } from '../assurance.ts';
import { citizenOrSignIn } from '../settings-routes.tsx';
import { allowRedirectToServices } from '../routes.tsx';
import { listConnectedServices, recordConsent, withdrawGrant } from '../grants.ts';
import * as store from '../store.ts';
import { loadProfile } from '../profile.ts';
import { ConnectedServicesPage, ConsentPage } from '../views/consent.tsx';
import { SCOPE_CLAIMS, type ProfileScope } from './claims.ts';
import { createProvider, OIDC_PREFIX, pairwiseSubject } from './provider.ts';
import { inTransaction } from './adapter.ts';
import { answerUserinfo, keptTokenBundles } from './userinfo.ts';
import { documentKeys } from '../proofing.ts';

const UidParams = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9_-]{10,64}$' }) });

async function interactionOf(provider: Provider, request: FastifyRequest, reply: FastifyReply): Promise<Interaction> {
  try {
    const details = await provider.interactionDetails(request.raw, reply.raw);
    if (details.uid !== (request.params as { uid: string }).uid) throw new Error('interaction mismatch');
    return details;
  } catch {
    throw new DomainError('not_found', 'This sign-in request has expired or is not yours. Go back to the service and start again.');
  }
}

/** Whether the citizen's current sign-in satisfies what the service asked: level (acr_values), freshness (max_age, prompt=login). */
function signInSatisfies(citizen: CitizenActor, details: Interaction): boolean {
  const authTime = citizen.authTime?.getTime() ?? 0;
  const maxAge = details.params.max_age === undefined ? undefined : Number(details.params.max_age);
  if (maxAge !== undefined && Date.now() - authTime > maxAge * 1000) return false;
  if (details.prompt.reasons.includes('login_prompt') && authTime < details.iat * 1000) return false;
  return acrRank(citizen.acr) >= requiredRank(details.params);
}

/** The caller's address as the provider (Koa) sees it: the first X-Forwarded-For entry behind a trusted proxy. */
function providerAddress(raw: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(raw.headers['x-forwarded-for'] ?? '').split(/\s*,\s*/)[0] : undefined;
  return forwarded || raw.socket.remoteAddress || '';
}

/** The OpenID Provider under /oidc, and its sign-in and consent steps as portal pages. */
export const openIdRoutes: ModuleRoutes = async (app, services) => {
  const { db, config } = services;
  const provider = await createProvider(services);
  const callback = provider.callback();

  // Hand the raw request to the provider before Fastify parses the body or checks a CSRF token: the provider
  // authenticates its own callers (client authentication, PKCE, its own signed cookies).
  const toProvider = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    const raw = request.raw as IncomingMessage & { originalUrl?: string };
    raw.originalUrl = raw.url;
    raw.url = raw.url!.slice(OIDC_PREFIX.length) || '/';
    callback(raw, reply.raw);
  };
  app.route({
    method: ['GET', 'POST', 'OPTIONS', 'DELETE', 'PUT'], url: `${OIDC_PREFIX}/*`, schema: { hide: true },
    onRequest: toProvider,
    handler: async () => undefined,
  });

  // Userinfo's common request is answered without the provider's stack (userinfo.ts); the rest goes to the provider.
  const userinfo = { readBundle: keptTokenBundles(db), provider, keys: documentKeys(config), logger: services.logger, pairwiseSubject: pairwiseSubject(config.SESSION_SECRET) };
  app.route({
    method: 'GET', url: `${OIDC_PREFIX}/me`, schema: { hide: true }, exposeHeadRoute: false,
    onRequest: async (request, reply) => {
      reply.hijack();
      // Anything else that fails is left to the provider (it meets the same error, logs it and answers server_error).
      const answered = await answerUserinfo(userinfo, request.raw, reply.raw, providerAddress(request.raw, config.TRUST_PROXY)).catch(() => false);
      if (!answered) toProvider(request, reply);
    },
    handler: async () => undefined,
  });

  app.get('/account/authorize/:uid', { schema: { hide: true, params: UidParams } }, async (request, reply) => {
    const details = await interactionOf(provider, request, reply);
    const here = `/account/authorize/${details.uid}`;
    const citizen = citizenOrSignIn(request, reply);
    if (!citizen) return reply;
    if (details.prompt.name === 'login') {
      if (!signInSatisfies(citizen, details)) {
        const rank = requiredRank(details.params);
        if (!(await reachable(citizen.id, rank))) {
          const to = await provider.interactionResult(request.raw, reply.raw, { error: 'unmet_authentication_requirements', error_description: 'the requested level of assurance cannot be reached by this account' }, { mergeWithLastSubmission: false });
          return reply.redirect(to, 303);
        }
        return reply.redirect(`/account/sign-in?again=1&return=${encodeURIComponent(here)}`, 303);
      }
      const login = { accountId: citizen.id, acr: citizen.acr, amr: citizen.amr, ts: Math.floor((citizen.authTime?.getTime() ?? Date.now()) / 1000), remember: false };
      return reply.redirect(await provider.interactionResult(request.raw, reply.raw, { login }, { mergeWithLastSubmission: false }), 303);
    }
    if (details.session?.accountId !== citizen.id) throw new DomainError('not_found', 'This sign-in request is not yours.');
    const client = await provider.Client.find(details.params.client_id ?? '');
    if (!client) throw new DomainError('not_found', 'The service was not found.');
    const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    allowRedirectToServices(reply, here);
    const purpose = ctx.locale === 'en' ? client.purpose : (client.purpose_zh ?? client.purpose);
    return sendPage(reply, <ConsentPage ctx={ctx} request={{ uid: details.uid, service: client.clientName ?? client.clientId, purpose: purpose as string | undefined, scopes: missing, profile: await loadProfile(db, citizen.id) }} />);
  });

  app.post('/account/authorize/:uid/consent', {
    schema: { hide: true, params: UidParams, body: Type.Object({ decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]), _csrf: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    const details = await interactionOf(provider, request, reply);
    const citizen = citizenOrSignIn(request, reply);
    if (!citizen) return reply;
    if (details.prompt.name !== 'consent' || details.session?.accountId !== citizen.id) throw new DomainError('conflict', 'This sign-in request is not waiting for your permission.');
    if (request.body.decision === 'deny') {
      return reply.redirect(await provider.interactionResult(request.raw, reply.raw, { error: 'access_denied', error_description: 'the citizen did not allow sharing' }, { mergeWithLastSubmission: false }), 303);
    }
    const clientId = details.params.client_id!;
    const scopes = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
    const claims = (details.prompt.details.missingOIDCClaims as string[] | undefined) ?? [];
    const released = [...claims, ...scopes.flatMap((s) => (s in SCOPE_CLAIMS ? [...SCOPE_CLAIMS[s as ProfileScope]] : []))];
    const citizensGrant = async (id: string | undefined) => {
      const grant = id ? await provider.Grant.find(id) : undefined;
      return grant?.accountId === citizen.id && grant.clientId === clientId ? grant : undefined;
    };
    // The grant is saved in the consent's transaction, added to the one remembered for this service if there is one.
    const grantId = await recordConsent(db, requestContext(request), { clientId, scopes, claims: released }, (trx, remembered) => inTransaction(trx, async () => {
      const grant = (await citizensGrant(remembered)) ?? (await citizensGrant(details.grantId)) ?? new provider.Grant({ accountId: citizen.id, clientId });
      if (scopes.length) grant.addOIDCScope(scopes.join(' '));
      if (claims.length) grant.addOIDCClaims(claims);
      return grant.save();
    }));
    return reply.redirect(await provider.interactionResult(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true }), 303);
  });

  app.get('/account/services', { schema: { hide: true, querystring: Type.Object({ withdrawn: Type.Optional(FormText(2)) }) } }, async (request, reply) => {
    if (!citizenOrSignIn(request, reply)) return reply;
    const connected = await listConnectedServices(db, requestContext(request));
    const rows = await Promise.all(connected.map(async (s) => ({ ...s, name: (await provider.Client.find(s.clientId))?.clientName ?? s.clientId })));
    return sendPage(reply, <ConnectedServicesPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} services={rows} withdrawn={request.query.withdrawn === '1'} />);
  });

  app.post('/account/services/:clientId/withdraw', { schema: { hide: true, params: Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._~-]+$' }) }) } }, async (request, reply) => {
    if (!citizenOrSignIn(request, reply)) return reply;
    await withdrawGrant(db, requestContext(request), request.params.clientId);
    return reply.redirect('/account/services?withdrawn=1', 303);
  });

  /** Multi-factor needs two-step verification; the highest level also an identity-proofed (iAM Smart+) account. */
  async function reachable(citizenId: string, rank: number): Promise<boolean> {
    const row = await store.citizenById(db, citizenId);
    if (!row) return false;
    if (rank >= 3) return row.totp_secret !== null && row.proofed_at !== null;
    if (rank >= 2) return row.totp_secret !== null;
    return true;
  }
};
