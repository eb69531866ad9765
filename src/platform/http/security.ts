import type { FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config.ts';

export const secureCookies = (config: Config) => config.BASE_URL.startsWith('https://');

/** Security defaults for every route: CSP with a per-request nonce, CSRF secret cookie, form bodies, a per-address rate limit. */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(cookie, { secret: config.SESSION_SECRET });
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: secureCookies(config) ? [] : null,
      },
    },
    strictTransportSecurity: secureCookies(config),
  });
  await app.register(formbody, { bodyLimit: 1_048_576 });
  await app.register(csrf, {
    cookieKey: '_csrf_secret',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: secureCookies(config), signed: true },
    getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf ?? (request.headers['x-csrf-token'] as string | undefined),
  });
  // Per process and per address; sign-in has its own, shared, per-account limits in the database.
  await app.register(rateLimit, { max: 600, timeWindow: '1 minute', allowList: ['127.0.0.1', '::1'].filter(() => config.NODE_ENV !== 'production') });
}
