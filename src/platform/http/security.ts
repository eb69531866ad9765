import type { FastifyInstance, FastifyReply } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from 'helmet';
import type { Config } from '../config.ts';
import { freshHex } from './random.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonces: an inline `<script nonce>` or `<style nonce>` runs only with its own. */
    readonly cspNonce: { script: string; style: string };
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

/**
 * What a response that is not a document (JSON, a download, an asset) needs (OWASP REST Security): nothing may run,
 * frame or sniff it, and (over https) HSTS. The rest of helmet's set means something only to an HTML page, and bytes
 * on the wire cost: a 700-byte header made a bare Fastify answer's socket write 9.5 µs (50%) slower on this machine.
 */
function apiHeaders(config: Config): [string, string][] {
  return [
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ...(secureCookies(config) ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
  ];
}

const FORM_ACTION = "form-action 'self'";
const kNonce = Symbol('cspNonce');
const kFormAction = Symbol('formAction');
type NonceReply = FastifyReply & { [kNonce]?: { script: string; style: string }; [kFormAction]?: string };

/**
 * Lets this page's forms submit to `sources` too (CSP form-action), e.g. a sign-in that ends, after redirects, at a
 * service's redirect URI: browsers check that final hop against the page's policy.
 */
export function allowFormAction(reply: FastifyReply, sources: string): void {
  (reply as NonceReply)[kFormAction] = sources;
}

/**
 * helmet's whole set, with a fresh CSP nonce, on the raw response: what an HTML answer needs. The nonce is made when a
 * page first asks (to mark its inline script) or when an HTML answer is sent: JSON needs none.
 */
function documentHeaders(app: FastifyInstance, config: Config): (reply: FastifyReply) => void {
  const { headers, withNonces } = helmetHeaders(config);
  if (!app.hasReplyDecorator('cspNonce')) {
    app.decorateReply('cspNonce', {
      getter(this: NonceReply) {
        return (this[kNonce] ??= { script: freshHex(NONCE_BYTES), style: freshHex(NONCE_BYTES) });
      },
    });
  }
  return (reply) => {
    const { script, style } = reply.cspNonce;
    const widened = (reply as NonceReply)[kFormAction];
    const policy = withNonces(script, style);
    const csp = widened ? policy.replace(FORM_ACTION, `${FORM_ACTION} ${widened}`) : policy;
    for (const [name, value] of headers) reply.raw.setHeader(name, value ?? csp);
  };
}

const isHtml = (reply: FastifyReply) => {
  const type = reply.getHeader('content-type');
  return typeof type === 'string' && type.startsWith('text/html');
};

/**
 * Security headers for the pages' scope: the short header set on every response and helmet's whole set on every HTML
 * page, both on the raw response, as some routes hand it to another stack: `documentRoutes` (the OpenID Provider, which
 * may answer HTML) get helmet's set up front, as Fastify's onSend does not see what they send.
 */
export function registerSecurity(app: FastifyInstance, config: Config, documentRoutes: readonly string[]): void {
  const documents = documentHeaders(app, config);
  const api = apiHeaders(config);
  const rawDocuments = new Set(documentRoutes);
  app.addHook('onRequest', (request, reply, done) => {
    if (rawDocuments.has(request.routeOptions.url ?? '')) documents(reply);
    else for (const [name, value] of api) reply.raw.setHeader(name, value);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isHtml(reply)) documents(reply);
    done(null, payload);
  });
}

/**
 * The same headers for a scope whose routes all answer through Fastify (the public APIs), set as the answer is sent:
 * in Fastify's own header list, Node writes the head in one pass; headers already on the raw response make it set
 * every header again one by one.
 */
export function securityHeadersOnSend(app: FastifyInstance, config: Config): (reply: FastifyReply) => void {
  const documents = documentHeaders(app, config);
  // In the lower case that reply.header keeps them in (which it then need not make).
  const api = apiHeaders(config).map(([name, value]) => [name.toLowerCase(), value] as const);
  return (reply) => {
    if (isHtml(reply)) documents(reply);
    else for (const [name, value] of api) reply.header(name, value);
  };
}

/**
 * What pages' forms need: signed cookies (sessions, preferences) and a CSRF secret cookie with the token check it
 * backs. Registered in the pages' scope only: the public APIs read no cookie and set none.
 */
export async function registerFormSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(cookie, { secret: config.SESSION_SECRET });
  await app.register(csrf, {
    cookieKey: '_csrf_secret',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: secureCookies(config), signed: true },
    getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf ?? (request.headers['x-csrf-token'] as string | undefined),
  });
}
