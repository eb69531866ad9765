import { Type } from 'typebox';
import { FormText } from './schemas.ts';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../platform/services.ts';
import type { IdentityRoutes } from './module.ts';
import type { Config } from '../platform/config.ts';
import { DomainError, type FieldError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { allowFormAction, secureCookies } from '../platform/http/security.ts';
import { safeReturnPath } from '../platform/http/return-path.ts';
import { identityMessages } from './messages.ts';
import { completeRegistration, startRegistration } from './account.ts';
import { checkPassword, checkSecondStep, CITIZEN_SESSION_COOKIE, openSession, resolveSession, signOut, type Device } from './session.ts';
import { CitizenSignInPage, ConfirmEmailPage, RegisterPage, SecondStepPage } from './views/sign-in.tsx';

const PENDING_COOKIE = 'sg_citizen_pending';
const PENDING_SECONDS = 300;
const Form = (fields: string[]) => Type.Object(Object.fromEntries([...fields, '_csrf'].map((f) => [f, Type.Optional(FormText(2048))])));
const ReturnQuery = Type.Object({ return: Type.Optional(FormText(2048)), again: Type.Optional(FormText(8)) });

/** Puts the signed-in citizen (if any) on every request as `request.actor`; a staff session takes precedence. */
export const citizenSessionPlugin = fp(async (app: FastifyInstance, services: Services) => {
  app.addHook('preHandler', (request, _reply, done) => {
    const cookie = request.cookies[CITIZEN_SESSION_COOKIE];
    if (!cookie || request.actor) return done();
    resolveSession(services.db, services.config, cookie).then((actor) => {
      request.actor = actor;
      done();
    }, done);
  });
});

export const cookieOptions = (config: Config) => ({ path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies(config) });
export const device = (request: FastifyRequest): Device => ({ address: request.ip, userAgent: request.headers['user-agent'], requestId: request.id });

/** Domain errors a person can fix become an error summary; anything else goes to the error handler. */
export function pageErrors(error: unknown, reply: FastifyReply, messages: { throttled: (s: number) => string; fallback: string; field: string }): FieldError[] {
  if (!(error instanceof DomainError) || !['unauthenticated', 'rate_limited', 'invalid_input', 'conflict'].includes(error.code)) throw error;
  const seconds = error.extra.retryAfterSeconds;
  if (seconds) {
    reply.header('retry-after', String(seconds));
    return [{ field: messages.field, reason: messages.throttled(seconds) }];
  }
  return error.extra.fields?.length ? error.extra.fields : [{ field: messages.field, reason: error.code === 'unauthenticated' ? messages.fallback : error.message }];
}
/**
 * A sign-in or consent form that continues to a service ends, after redirects, on the service's redirect URI;
 * browsers check that final hop against the page's CSP form-action. Registered redirect URIs are https or
 * loopback, so exactly those are allowed, and only on these pages.
 */
export function allowRedirectToServices(reply: FastifyReply, returnTo: string): void {
  if (returnTo.startsWith('/account/authorize/')) allowFormAction(reply, 'https: http://localhost:* http://127.0.0.1:* http://[::1]:*');
}
const statusOf = (error: unknown) => (error instanceof DomainError ? error.status : 400);

export const accountRoutes: IdentityRoutes = async (app, { db, config, mail }) => {
  const cookies = cookieOptions(config);
  const ctxOf = (request: FastifyRequest, reply: FastifyReply) => pageContext(request, reply, config.SEED_SAMPLE_DATA);
  const startSession = async (reply: FastifyReply, request: FastifyRequest, citizenId: string, amr: string[]) => {
    const session = await openSession(db, config, { citizenId, amr, replacing: request.cookies[CITIZEN_SESSION_COOKIE], ...device(request) });
    reply.setCookie(CITIZEN_SESSION_COOKIE, session.sessionId, { ...cookies, maxAge: config.CITIZEN_SESSION_MAX_HOURS * 3600 });
    reply.clearCookie(PENDING_COOKIE, cookies);
  };

  app.get('/account/register', { schema: { hide: true } }, async (request, reply) => sendPage(reply, <RegisterPage ctx={ctxOf(request, reply)} errors={[]} />));

  app.post('/account/register', { schema: { hide: true, body: Form(['email']) } }, async (request, reply) => {
    const ctx = ctxOf(request, reply);
    const t = identityMessages(ctx.locale);
    const email = request.body.email ?? '';
    try {
      const { challengeId, delivery } = await startRegistration(db, mail, config.SESSION_SECRET, { contact: email, address: request.ip, locale: ctx.locale });
      return reply.redirect(`/account/register/confirm?challenge=${challengeId}${delivery === 'queued' ? '&delayed=1' : ''}`, 303);
    } catch (error) {
      const errors = pageErrors(error, reply, { throttled: (seconds) => t('signIn.throttled', { seconds }), fallback: t('signIn.missingEmail'), field: 'email' });
      return sendPage(reply, <RegisterPage ctx={ctx} email={email} errors={errors} />, statusOf(error));
    }
  });

  app.get('/account/register/confirm', { schema: { hide: true, querystring: Type.Object({ challenge: FormText(64), delayed: Type.Optional(FormText(2)) }) } }, async (request, reply) =>
    sendPage(reply, <ConfirmEmailPage ctx={ctxOf(request, reply)} challenge={request.query.challenge} delayed={request.query.delayed === '1'} errors={[]} />));

  app.post('/account/register/confirm', { schema: { hide: true, body: Form(['challenge', 'code', 'password']) } }, async (request, reply) => {
    const ctx = ctxOf(request, reply);
    const { challenge = '', code = '', password = '' } = request.body;
    try {
      const citizenId = await completeRegistration(db, config.SESSION_SECRET, { challengeId: challenge, code, password, requestId: request.id });
      await startSession(reply, request, citizenId, ['pwd']);
      return reply.redirect('/account/security', 303);
    } catch (error) {
      const t = identityMessages(ctx.locale);
      const errors = pageErrors(error, reply, { throttled: (seconds) => t('signIn.throttled', { seconds }), fallback: t('code.wrong'), field: 'code' });
      return sendPage(reply, <ConfirmEmailPage ctx={ctx} challenge={challenge} errors={errors} />, statusOf(error));
    }
  });

  app.get('/account/sign-in', { schema: { hide: true, querystring: ReturnQuery } }, async (request, reply) => {
    const returnTo = safeReturnPath(request.query.return, '/account');
    allowRedirectToServices(reply, returnTo);
    return sendPage(reply, <CitizenSignInPage ctx={ctxOf(request, reply)} returnTo={returnTo} again={request.query.again === '1'} errors={[]} />);
  });

  app.post('/account/sign-in', { schema: { hide: true, body: Form(['email', 'password', 'return']) } }, async (request, reply) => {
    const ctx = ctxOf(request, reply);
    const t = identityMessages(ctx.locale);
    const { email = '', password = '' } = request.body;
    const returnTo = safeReturnPath(request.body.return, '/account');
    allowRedirectToServices(reply, returnTo);
    const errors: FieldError[] = [];
    if (!email.trim()) errors.push({ field: 'email', reason: t('signIn.missingEmail') });
    if (!password) errors.push({ field: 'password', reason: t('signIn.missingPassword') });
    if (errors.length) return sendPage(reply, <CitizenSignInPage ctx={ctx} email={email} returnTo={returnTo} errors={errors} />, 400);
    try {
      const result = await checkPassword(db, { email, password, ...device(request) });
      if (!result.needsSecondFactor) {
        await startSession(reply, request, result.citizenId, ['pwd']);
        return reply.redirect(returnTo, 303);
      }
      // Signed, short-lived proof that the password step succeeded; not a session.
      reply.setCookie(PENDING_COOKIE, `${result.citizenId}.${Date.now() + PENDING_SECONDS * 1000}`, { ...cookies, signed: true, maxAge: PENDING_SECONDS });
      return reply.redirect(`/account/sign-in/code?return=${encodeURIComponent(returnTo)}`, 303);
    } catch (error) {
      const found = pageErrors(error, reply, { throttled: (seconds) => t('signIn.throttled', { seconds }), fallback: t('signIn.wrong'), field: 'email' });
      return sendPage(reply, <CitizenSignInPage ctx={ctx} email={email} returnTo={returnTo} errors={found} />, statusOf(error));
    }
  });

  const pendingCitizen = (request: FastifyRequest): string | undefined => {
    const raw = request.cookies[PENDING_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    if (!unsigned?.valid || !unsigned.value) return undefined;
    const [citizenId, expires] = unsigned.value.split('.');
    return citizenId && Number(expires) > Date.now() ? citizenId : undefined;
  };

  app.get('/account/sign-in/code', { schema: { hide: true, querystring: ReturnQuery } }, async (request, reply) => {
    const returnTo = safeReturnPath(request.query.return, '/account');
    if (!pendingCitizen(request)) return reply.redirect(`/account/sign-in?return=${encodeURIComponent(returnTo)}`, 303);
    allowRedirectToServices(reply, returnTo);
    return sendPage(reply, <SecondStepPage ctx={ctxOf(request, reply)} returnTo={returnTo} errors={[]} />);
  });

  app.post('/account/sign-in/code', { schema: { hide: true, body: Form(['code', 'return']) } }, async (request, reply) => {
    const ctx = ctxOf(request, reply);
    const t = identityMessages(ctx.locale);
    const returnTo = safeReturnPath(request.body.return, '/account');
    allowRedirectToServices(reply, returnTo);
    const citizenId = pendingCitizen(request);
    if (!citizenId) return sendPage(reply, <CitizenSignInPage ctx={ctx} returnTo={returnTo} errors={[{ field: 'email', reason: t('code.expired') }]} />, 401);
    try {
      const amr = await checkSecondStep(db, { citizenId, code: request.body.code ?? '', ...device(request) });
      await startSession(reply, request, citizenId, amr);
      return reply.redirect(returnTo, 303);
    } catch (error) {
      const errors = pageErrors(error, reply, { throttled: (seconds) => t('signIn.throttled', { seconds }), fallback: t('code.wrong'), field: 'code' });
      return sendPage(reply, <SecondStepPage ctx={ctx} returnTo={returnTo} errors={errors} />, statusOf(error));
    }
  });

  app.post('/account/sign-out', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor?.kind === 'citizen') await signOut(db, requestContext(request));
    reply.clearCookie(CITIZEN_SESSION_COOKIE, cookies);
    return reply.redirect('/account/sign-in', 303);
  });

};
