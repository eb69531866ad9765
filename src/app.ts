import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Services } from './platform/services.ts';
import { ProblemSchema, registerErrorHandling } from './platform/http/problem.ts';
import { registerMetrics, registerObservability } from './platform/http/observability.ts';
import { pageContext, preferencesPlugin } from './platform/http/pages.ts';
import { registerFormSecurity, registerSecurity, securityHeadersOnSend } from './platform/http/security.ts';
import { addressLimit } from './platform/http/address-limit.ts';
import { requestLogger } from './platform/http/request-logger.ts';
import { renderErrorPage, uiRoutes } from './ui/index.ts';
import { organisationRoutes, STAFF_SESSION_COOKIE, staffSessionPlugin } from './organisations/index.ts';
import { CITIZEN_SESSION_COOKIE, citizenSessionPlugin, identityRoutes, OIDC_PREFIX } from './identity/index.ts';
import { portalRoutes } from './portal/index.ts';
import { auditRoutes, consoleRoutes } from './console/index.ts';
import { serviceRoutes } from './services/index.ts';
import { walletRoutes } from './wallet/index.ts';
import { assistantRoutes } from './assistant/index.ts';
import { paymentRoutes } from './payments/index.ts';
import { openDataApiRoutes, openDataRoutes } from './opendata/index.ts';

export type App = FastifyInstance;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Builds the server without listening, so tests can use inject(). */
export async function buildApp(services: Services): Promise<App> {
  const { config, db } = services;
  const app = Fastify({
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    childLoggerFactory: requestLogger,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 1_048_576,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // While stopping, answers end their connection, so that keep-alive clients do not hold the close open.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Hooks on every request are written with callbacks: an async hook costs a promise and a microtask turn each time.
  const answerHeaders = (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  };
  // Per process and per address, one count for both scopes; sign-in has its own, shared, per-account limits in the database.
  const limit = addressLimit({ max: 600, windowMs: 60_000, allow: config.NODE_ENV === 'production' ? [] : ['127.0.0.1', '::1', '::ffff:127.0.0.1'] });
  const metrics = registerMetrics(app);
  await app.register(formbody, { bodyLimit: 1_048_576 });
  // Before both scopes, so that the OpenAPI document lists the routes of each.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'smartgov API', version: '0.1.0', description: 'Errors are RFC 9457 problem documents (application/problem+json).' },
      components: { securitySchemes: { staffSession: { type: 'apiKey', in: 'cookie', name: STAFF_SESSION_COOKIE } } },
    },
  });
  app.addSchema({ $id: 'Problem', ...ProblemSchema });

  // Two scopes. The public read-only APIs read no cookie, have no session and no form, and answer errors in their own
  // envelopes: every hook of the pages' scope would cost each of their calls (together about a third of a cached CKAN
  // answer's CPU), so they have only what they need, in as few hooks as can do it. See docs/ARCHITECTURE.md.
  await app.register(async (apis) => {
    const securityHeaders = securityHeadersOnSend(apis, config);
    apis.addHook('onRequest', limit);
    apis.addHook('onSend', (request, reply, payload, done) => {
      securityHeaders(reply);
      answerHeaders(request, reply);
      done(null, payload);
    });
    await apis.register(openDataApiRoutes, services);
  });

  await app.register(async (pages) => {
    pages.addHook('onSend', (request, reply, payload, done) => {
      answerHeaders(request, reply);
      done(null, payload);
    });
    // The OpenID Provider writes its own answers, HTML pages among them.
    registerSecurity(pages, config, [`${OIDC_PREFIX}/*`]);
    await registerFormSecurity(pages, config);
    pages.addHook('onRequest', limit);
    await pages.register(preferencesPlugin);
    registerErrorHandling(pages, {
      renderPage: (request, reply, error) => renderErrorPage(pageContext(request, reply, config.SEED_SAMPLE_DATA), error),
      signInPath: (request) => (request.url.startsWith('/console') ? '/console/sign-in' : /^\/(applications|account|wallet|assistant)(\/|$|\?)/.test(request.url) ? '/account/sign-in' : undefined),
    });
    // Forms carry a CSRF token. API writes need none if they send JSON (no cross-site form can), no body at all, or no
    // session cookie (nothing to forge); session cookies are SameSite=Lax besides.
    pages.addHook('preValidation', (request, reply, done) => {
      const method = request.method;
      if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || !request.routeOptions.url) return done();
      const type = request.headers['content-type'] ?? '';
      const api = request.url.startsWith('/api/');
      const session = request.cookies[STAFF_SESSION_COOKIE] !== undefined || request.cookies[CITIZEN_SESSION_COOKIE] !== undefined;
      if (type.startsWith('application/json') || (api && (!type || !session))) return done();
      pages.csrfProtection(request, reply, (err?: Error) => done(err));
    });

    await pages.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformSpecificationClone: true });
    pages.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    await pages.register(fastifyStatic, {
      root: path.join(path.dirname(fileURLToPath(import.meta.url)), 'ui/assets'),
      prefix: '/assets/',
      maxAge: '1h',
    });
    registerObservability(pages, metrics, db);
    await pages.register(staffSessionPlugin, services);
    await pages.register(citizenSessionPlugin, services);

    const modules = [uiRoutes, portalRoutes, consoleRoutes, organisationRoutes, auditRoutes, serviceRoutes, walletRoutes, assistantRoutes, identityRoutes, paymentRoutes, openDataRoutes];
    for (const module of modules) await pages.register(module, services);
  });
  return app;
}

