import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { Config } from '../config.ts';
import { freshHex } from './random.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonces: an inline `<script nonce>` or `<style nonce>` runs only with its own. */
    cspNonce: { script: string; style: string } | null;
  }
}

export const secureCookies = (config: Config) => config.BASE_URL.startsWith('https://');

const NONCE_BYTES = 16;
const nonces = new WeakMap<ServerResponse, { script: string; style: string }>();
const nonceOf = (kind: 'script' | 'style') => (_request: unknown, response: ServerResponse) => `'nonce-${nonces.get(response)?.[kind]}'`;

/** Security defaults for every route: CSP with a per-request nonce, CSRF secret cookie, form bodies, a per-address rate limit. */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(cookie, { secret: config.SESSION_SECRET });
  // helmet's middleware is built once: building it per request (as @fastify/helmet does for nonces) re-parses the
  // whole policy every time and cost a quarter of a simple request. The nonces enter through directive functions.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", nonceOf('script')],
        styleSrc: ["'self'", nonceOf('style')],
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
  app.decorateReply('cspNonce', null);
  app.addHook('onRequest', (request, reply, done) => {
    const fresh = { script: freshHex(NONCE_BYTES), style: freshHex(NONCE_BYTES) };
    reply.cspNonce = fresh;
    nonces.set(reply.raw, fresh);
    securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
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
