import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Html } from '#jsx/jsx-runtime';
import type { Actor, RequestContext, StaffActor } from '../context.ts';
import { isLocale, negotiateLocale, type Locale } from '../i18n/index.ts';
import type { PageContext } from '../../ui/page-context.ts';
import type { Config } from '../config.ts';
import { secureCookies } from './security.ts';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    lite: boolean;
    /** Who is acting, set by the session plugins (staff console, citizen sign-in); undefined for visitors. */
    actor: Actor | undefined;
  }
}

export const LANGUAGE_COOKIE = 'lang';
export const LITE_COOKIE = 'lite';
const YEAR_SECONDS = 365 * 24 * 3600;

export function requestContext(request: FastifyRequest, fallbackActor?: Actor): RequestContext {
  const actor = request.actor ?? fallbackActor;
  if (!actor) throw new Error('requestContext needs an actor: check authorization first');
  return { actor, requestId: request.id, locale: request.locale };
}

export function pageContext(request: FastifyRequest, reply: FastifyReply, sampleData: boolean): PageContext {
  let token: string | undefined;
  return {
    locale: request.locale,
    lite: request.lite,
    path: request.url,
    nonce: reply.cspNonce.script,
    csrfToken: () => (token ??= reply.generateCsrf()),
    staff: request.actor?.kind === 'staff' ? (request.actor as StaffActor) : undefined,
    citizen: request.actor?.kind === 'citizen' ? request.actor : undefined,
    requestId: request.id,
    sampleData,
  };
}

export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  // Pages show personal data and carry CSRF tokens: never cache them in shared caches.
  return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page.value);
}

export function rememberPreference(reply: FastifyReply, config: Config, name: string, value: string): void {
  reply.setCookie(name, value, { path: '/', maxAge: YEAR_SECONDS, sameSite: 'lax', httpOnly: true, secure: secureCookies(config) });
}

/** Language and lite mode for every request: the saved choice (cookie), else the browser's languages. */
export const preferencesPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('locale', 'en');
  app.decorateRequest('lite', false);
  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', (request, _reply, done) => {
    const query = request.query as Record<string, unknown> | undefined;
    const asked = query?.lang;
    request.locale = isLocale(asked) ? asked : negotiateLocale(request.cookies[LANGUAGE_COOKIE], request.headers['accept-language']);
    request.lite = request.cookies[LITE_COOKIE] === '1';
    done();
  });
});
