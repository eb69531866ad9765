import { Type } from 'typebox';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { ModuleRoutes, Services } from '../platform/services.ts';
import { requireRole, requireStaff, assertOrganisationRecord } from '../platform/access.ts';
import { DomainError, type FieldError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { secureCookies } from '../platform/http/security.ts';
import { labelsFrom } from '../platform/http/problem.ts';
import { safeReturnPath } from '../platform/http/return-path.ts';
import { organisationMessages } from './messages.ts';
import * as organisations from './organisation.ts';
import * as staff from './staff.ts';
import { resolveSession, signIn, signOut, STAFF_SESSION_COOKIE } from './session.ts';
import { SignInPage } from './views/sign-in.tsx';
import { OrganisationsPage } from './views/organisations.tsx';
import { staffConsoleRoutes } from './staff-routes.tsx';

const Problem = Type.Ref('Problem');
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }) });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['organisations'];
const signInLabels = labelsFrom(organisationMessages, (t) => ({ email: t('signIn.email'), password: t('signIn.password') }));

/** Puts the signed-in staff member (if any) on every request as `request.actor`. */
export const staffSessionPlugin = fp(async (app: FastifyInstance, services: Services) => {
  // A callback hook: an async one costs every request a promise, with or without a cookie.
  app.addHook('preHandler', (request, _reply, done) => {
    const cookie = request.cookies[STAFF_SESSION_COOKIE];
    if (!cookie || request.actor) return done();
    resolveSession(services.db, services.config, cookie).then((actor) => {
      request.actor = actor;
      done();
    }, done);
  });
});

export const organisationRoutes: ModuleRoutes = async (app, options) => {
  const { db, config } = options;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: secureCookies(config) };

  app.get('/console/sign-in', { schema: { hide: true, querystring: Type.Object({ return: Type.Optional(Type.String({ maxLength: 2048 })) }) } }, async (request, reply) => {
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    return sendPage(reply, <SignInPage ctx={ctx} returnTo={safeReturnPath(request.query.return, '/console')} errors={[]} />);
  });

  app.post('/console/sign-in', {
    schema: { hide: true, body: Type.Object({ email: Type.Optional(Type.String({ maxLength: 254 })), password: Type.Optional(Type.String({ maxLength: 256 })), return: Type.Optional(Type.String({ maxLength: 2048 })), _csrf: Type.Optional(Type.String()) }) },
    config: { fieldLabels: signInLabels },
  }, async (request, reply) => {
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    const t = organisationMessages(ctx.locale);
    const { email = '', password = '' } = request.body;
    const returnTo = safeReturnPath(request.body.return, '/console');
    const errors: FieldError[] = [];
    if (!email.trim()) errors.push({ field: 'email', reason: t('signIn.missingEmail') });
    if (!password) errors.push({ field: 'password', reason: t('signIn.missingPassword') });
    if (errors.length === 0) {
      try {
        const result = await signIn(db, config, { email, password, address: request.ip, requestId: request.id });
        reply.setCookie(STAFF_SESSION_COOKIE, result.sessionId, { ...cookieOptions, maxAge: config.STAFF_SESSION_MAX_HOURS * 3600 });
        return reply.redirect(returnTo, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || !['unauthenticated', 'rate_limited'].includes(error.code)) throw error;
        const seconds = error.extra.retryAfterSeconds;
        if (seconds) reply.header('retry-after', String(seconds));
        errors.push({ field: 'email', reason: seconds ? t('signIn.throttled', { seconds }) : t('signIn.wrong') });
        return sendPage(reply, <SignInPage ctx={ctx} email={email} returnTo={returnTo} errors={errors} />, error.status === 429 ? 429 : 401);
      }
    }
    return sendPage(reply, <SignInPage ctx={ctx} email={email} returnTo={returnTo} errors={errors} />, 400);
  });

  app.post('/console/sign-out', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor) await signOut(db, requestContext(request));
    reply.clearCookie(STAFF_SESSION_COOKIE, cookieOptions);
    return reply.redirect('/console/sign-in', 303);
  });

  app.get('/console/organisations', { schema: { hide: true } }, async (request, reply) => {
    requireStaff(request.actor);
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    return sendPage(reply, <OrganisationsPage ctx={ctx} organisations={await organisations.listOrganisations(db)} />);
  });

  await app.register(staffConsoleRoutes, options);

  // --- API ---
  app.get('/api/v1/organisations', {
    schema: { tags, summary: 'List organisations (bureaux and departments)', response: { 200: Type.Object({ organisations: Type.Array(organisations.Organisation) }) } },
  }, async () => ({ organisations: await organisations.listOrganisations(db) }));

  app.get('/api/v1/organisations/:code', {
    schema: { tags, summary: 'One organisation', params: CodeParams, response: { 200: organisations.Organisation, 404: Problem } },
  }, async (request) => organisations.getOrganisation(db, request.params.code));

  app.post('/api/v1/organisations', {
    schema: { tags, summary: 'Create an organisation (platform admin)', security: [{ staffSession: [] }], body: organisations.OrganisationInput, response: { 201: organisations.Organisation, 400: Problem, 401: Problem, 403: Problem, 409: Problem } },
  }, async (request, reply) => {
    requireRole(request.actor, 'platform_admin');
    return reply.status(201).send(await organisations.createOrganisation(db, requestContext(request), request.body));
  });

  app.get('/api/v1/organisations/:code/staff', {
    schema: { tags, summary: "An organisation's staff (its admins, or a platform admin)", security: [{ staffSession: [] }], params: CodeParams, response: { 200: Type.Object({ staff: Type.Array(staff.Staff) }), 401: Problem, 403: Problem, 404: Problem } },
  }, async (request) => {
    const actor = requireRole(request.actor, 'organisation_admin', 'platform_admin');
    const organisation = await organisations.getOrganisation(db, request.params.code);
    assertOrganisationRecord(actor, organisation.id, 'The organisation');
    return { staff: await staff.listStaff(db, requestContext(request), organisation.id) };
  });

  app.post('/api/v1/staff', {
    schema: { tags, summary: 'Create a staff account', security: [{ staffSession: [] }], body: staff.StaffInput, response: { 201: staff.Staff, 400: Problem, 401: Problem, 403: Problem, 409: Problem } },
  }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin', 'platform_admin');
    return reply.status(201).send(await staff.createStaff(db, requestContext(request), request.body));
  });

  app.get('/api/v1/staff/:id', {
    schema: { tags, summary: 'One staff account', security: [{ staffSession: [] }], params: IdParams, response: { 200: staff.Staff, 401: Problem, 403: Problem, 404: Problem } },
  }, async (request) => {
    requireRole(request.actor, 'organisation_admin', 'platform_admin');
    return staff.getStaff(db, requestContext(request), request.params.id);
  });

  app.put('/api/v1/staff/:id/roles', {
    schema: {
      tags, summary: "Replace a staff member's roles", security: [{ staffSession: [] }], params: IdParams,
      body: Type.Object({ roles: Type.Array(staff.StaffRoleSchema, { uniqueItems: true }) }, { additionalProperties: false }),
      response: { 200: staff.Staff, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    requireRole(request.actor, 'organisation_admin', 'platform_admin');
    return staff.setStaffRoles(db, requestContext(request), request.params.id, request.body.roles);
  });
};
