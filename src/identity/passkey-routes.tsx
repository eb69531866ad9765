import { readFileSync } from 'node:fs';
import { Type } from 'typebox';
import { FormText } from './schemas.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { ModuleRoutes } from '../platform/services.ts';
import { DomainError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { safeReturnPath } from '../platform/http/return-path.ts';
import { assertNotThrottled, recordFailure, type ThrottleRule } from '../platform/throttle/index.ts';
import { requireCitizen } from '../platform/access.ts';
import { cookieOptions, device } from './routes.tsx';
import { citizenOrSignIn } from './settings-routes.tsx';
import { checkPasskey, listPasskeys, passkeyRegistrationOptions, passkeySignInOptions, registerPasskey } from './passkeys.ts';
import { CITIZEN_SESSION_COOKIE, openSession } from './session.ts';
import { PasskeysPage } from './views/passkeys.tsx';

const SCRIPT = readFileSync(new URL('./assets/passkey.js', import.meta.url), 'utf8');
const CHALLENGE_COOKIE = 'sg_webauthn';
const Problem = Type.Ref('Problem');
const Credential = Type.Object({ id: FormText(1024), rawId: FormText(1024), type: FormText(32), response: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: true });

/** Passkeys: adding them to an account, and signing in with them. The WebAuthn challenge rides in a signed cookie. */
export const passkeyRoutes: ModuleRoutes = async (app, { db, config }) => {
  const cookies = cookieOptions(config);
  const rememberChallenge = (reply: FastifyReply, purpose: string, challenge: string) =>
    reply.setCookie(CHALLENGE_COOKIE, `${purpose}.${challenge}.${Date.now() + 300_000}`, { ...cookies, signed: true, maxAge: 300 });
  const takeChallenge = (request: FastifyRequest, reply: FastifyReply, purpose: string): string => {
    const raw = request.cookies[CHALLENGE_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    reply.clearCookie(CHALLENGE_COOKIE, cookies);
    const [kind, challenge, expires] = unsigned?.valid && unsigned.value ? unsigned.value.split('.') : [];
    if (kind !== purpose || !challenge || Number(expires) < Date.now()) throw new DomainError('invalid_input', 'The passkey request expired. Try again.');
    return challenge;
  };

  app.get('/account/passkey.js', { schema: { hide: true } }, async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SCRIPT));

  app.get('/account/passkeys', { schema: { hide: true, querystring: Type.Object({ added: Type.Optional(FormText(2)) }) } }, async (request, reply) => {
    if (!citizenOrSignIn(request, reply)) return reply;
    return sendPage(reply, <PasskeysPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} passkeys={await listPasskeys(db, requestContext(request))} added={request.query.added === '1'} />);
  });

  app.post('/account/passkeys/options', { schema: { hide: true, response: { 401: Problem } } }, async (request, reply) => {
    requireCitizen(request.actor);
    const options = await passkeyRegistrationOptions(db, config, requestContext(request));
    rememberChallenge(reply, 'register', options.challenge);
    return options;
  });

  app.post('/account/passkeys', { schema: { hide: true, body: Type.Object({ response: Credential }), response: { 201: Type.Object({ ok: Type.Boolean() }), 400: Problem, 401: Problem } } }, async (request, reply) => {
    requireCitizen(request.actor);
    const challenge = takeChallenge(request, reply, 'register');
    await registerPasskey(db, config, requestContext(request), challenge, request.body.response as unknown as RegistrationResponseJSON);
    return reply.status(201).send({ ok: true });
  });

  app.post('/account/passkey-sign-in/options', { schema: { hide: true } }, async (_request, reply) => {
    const options = await passkeySignInOptions(config);
    rememberChallenge(reply, 'sign-in', options.challenge);
    return options;
  });

  app.post('/account/passkey-sign-in', {
    schema: { hide: true, body: Type.Object({ response: Credential, return: Type.Optional(FormText(2048)) }), response: { 200: Type.Object({ redirect: Type.String() }), 400: Problem, 401: Problem, 429: Problem } },
  }, async (request, reply) => {
    const rules: ThrottleRule[] = [{ key: `citizen-passkey:address:${request.ip}`, limit: 30, windowSeconds: 900, mode: 'block' }];
    await assertNotThrottled(db, rules);
    const challenge = takeChallenge(request, reply, 'sign-in');
    let result;
    try {
      result = await checkPasskey(db, config, challenge, request.body.response as unknown as AuthenticationResponseJSON);
    } catch (error) {
      await recordFailure(db, rules);
      throw error;
    }
    const session = await openSession(db, config, { citizenId: result.citizenId, amr: result.amr, replacing: request.cookies[CITIZEN_SESSION_COOKIE], ...device(request) });
    reply.setCookie(CITIZEN_SESSION_COOKIE, session.sessionId, { ...cookies, maxAge: config.CITIZEN_SESSION_MAX_HOURS * 3600 });
    return { redirect: safeReturnPath(request.body.return, '/account') };
  });
};
