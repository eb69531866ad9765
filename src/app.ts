import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { Services } from './platform/services.ts';
import { ProblemSchema, registerErrorHandling } from './platform/http/problem.ts';
import { registerObservability } from './platform/http/observability.ts';
import { pageContext, preferencesPlugin } from './platform/http/pages.ts';
import { registerSecurity } from './platform/http/security.ts';
import { renderErrorPage, uiRoutes } from './ui/index.ts';
import { organisationRoutes, STAFF_SESSION_COOKIE, staffSessionPlugin } from './organisations/index.ts';
import { CITIZEN_SESSION_COOKIE, citizenSessionPlugin, identityRoutes, OIDC_PREFIX } from './identity/index.ts';
import { portalRoutes } from './portal/index.ts';
import { auditRoutes, consoleRoutes } from './console/index.ts';
import { serviceRoutes } from './services/index.ts';
import { walletRoutes } from './wallet/index.ts';
import { assistantRoutes } from './assistant/index.ts';
import { paymentRoutes } from './payments/index.ts';
import { openDataRoutes } from './opendata/index.ts';

export type App = FastifyInstance;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Builds the server without listening, so tests can use inject(). */
export async function buildApp(services: Services): Promise<App> {
  const { config, db } = services;
  const app = Fastify({
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
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
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // The OpenID Provider writes its own answers, HTML pages among them.
  await registerSecurity(app, config, [`${OIDC_PREFIX}/*`]);
  await app.register(preferencesPlugin);
  registerErrorHandling(app, {
    renderPage: (request, reply, error) => renderErrorPage(pageContext(request, reply, config.SEED_SAMPLE_DATA), error),
    signInPath: (request) => (request.url.startsWith('/console') ? '/console/sign-in' : /^\/(applications|account|wallet|assistant)(\/|$|\?)/.test(request.url) ? '/account/sign-in' : undefined),
  });
  // Forms carry a CSRF token. API writes need none if they send JSON (no cross-site form can), no body at all, or no
  // session cookie (nothing to forge: e.g. CKAN scripts that POST form-encoded); session cookies are SameSite=Lax besides.
  app.addHook('preValidation', (request, reply, done) => {
    const method = request.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || !request.routeOptions.url) return done();
    const type = request.headers['content-type'] ?? '';
    const api = /^\/((en|tc|sc)-data\/)?api\//.test(request.url);
    const session = request.cookies[STAFF_SESSION_COOKIE] !== undefined || request.cookies[CITIZEN_SESSION_COOKIE] !== undefined;
    if (type.startsWith('application/json') || (api && (!type || !session))) return done();
    app.csrfProtection(request, reply, (err?: Error) => done(err));
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'smartgov API', version: '0.1.0', description: 'Errors are RFC 9457 problem documents (application/problem+json).' },
      components: { securitySchemes: { staffSession: { type: 'apiKey', in: 'cookie', name: STAFF_SESSION_COOKIE } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformSpecificationClone: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(fastifyStatic, {
    root: path.join(path.dirname(fileURLToPath(import.meta.url)), 'ui/assets'),
    prefix: '/assets/',
    maxAge: '1h',
  });
  app.addSchema({ $id: 'Problem', ...ProblemSchema });
  registerObservability(app, db);
  await app.register(staffSessionPlugin, services);
  await app.register(citizenSessionPlugin, services);

  const modules = [uiRoutes, portalRoutes, consoleRoutes, organisationRoutes, auditRoutes, serviceRoutes, walletRoutes, assistantRoutes, identityRoutes, paymentRoutes, openDataRoutes];
  for (const module of modules) await app.register(module, services);
  return app;
}

