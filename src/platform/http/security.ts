import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
const SCRIPT_MARK = "'nonce-SCRIPT_NONCE'";
const STYLE_MARK = "'nonce-STYLE_NONCE'";

/**
 * helmet's headers, learnt once by running its middleware against a recording response, with a marked place for each
 * nonce in the policy: its middleware, run per request, validated the policy's nonce functions again every time.
 */
function helmetHeaders(config: Config) {
  const middleware = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", SCRIPT_MARK],
        styleSrc: ["'self'", STYLE_MARK],
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
  const headers: [string, string][] = [];
  const recorder = { setHeader: (name: string, value: string) => headers.push([name, value]), removeHeader: () => undefined };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  const csp = headers.find(([name]) => name.toLowerCase() === 'content-security-policy');
  if (!csp?.[1].includes(SCRIPT_MARK) || !csp[1].includes(STYLE_MARK)) throw new Error('helmet gave no content security policy with nonces');
  const [cspName, policy] = csp;
  const [before, between, after] = policy.split(/'nonce-(?:SCRIPT|STYLE)_NONCE'/) as [string, string, string];
  if (policy.indexOf(SCRIPT_MARK) > policy.indexOf(STYLE_MARK)) throw new Error('helmet put style-src before script-src');
  const withNonces = (script: string, style: string) => `${before}'nonce-${script}'${between}'nonce-${style}'${after}`;
  // In helmet's order; the policy's value (undefined here) is made per request.
  return { headers: headers.map(([name, value]): [string, string | undefined] => [name, name === cspName ? undefined : value]), withNonces };
}

/** Security defaults for every route: CSP with a per-request nonce, CSRF secret cookie, form bodies, a per-address rate limit. */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(cookie, { secret: config.SESSION_SECRET });
  const { headers, withNonces } = helmetHeaders(config);
  app.decorateReply('cspNonce', null);
  // On the raw response, so that routes that hand it to another stack (the OpenID Provider) send them too.
  app.addHook('onRequest', (_request, reply, done) => {
    const fresh = { script: freshHex(NONCE_BYTES), style: freshHex(NONCE_BYTES) };
    reply.cspNonce = fresh;
    const raw = reply.raw;
    for (const [name, value] of headers) raw.setHeader(name, value ?? withNonces(fresh.script, fresh.style));
    done();
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
