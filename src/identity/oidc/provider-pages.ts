import type Provider from 'oidc-provider';
import type { KoaContext } from 'oidc-provider';
import type { Services } from '../../platform/services.ts';
import { CITIZEN_SESSION_COOKIE, resolveSession, signOut } from '../session.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The provider's own error page (unknown client, unregistered redirect URI, malformed request): shown outside
 * Fastify's layout, so kept minimal; the OAuth error code and description only, escaped, never internals.
 */
export async function renderProviderError(ctx: { type: string; body: unknown }, out: { error: string; error_description?: string }): Promise<void> {
  const detail = `${out.error}: ${out.error_description ?? ''}`;
  ctx.type = 'html';
  ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in could not continue – smartgov</title><link rel="stylesheet" href="/assets/site.css"></head><body><main id="main"><h1>Sign-in could not continue</h1><p>${escape(detail)}</p><p>Go back to the service and try again. 無法繼續登入，請返回該服務再試。</p><p><a href="/">smartgov</a></p></main></body></html>`;
}

/**
 * Single sign-out: when a citizen confirms "sign out" at the provider (RP-initiated logout), their smartgov
 * session ends too. Done in a middleware after the provider's own handling, before the answer is sent.
 */
export function endCitizenSessionOnLogout(provider: Provider, services: Services): void {
  const ended = new WeakSet<object>();
  provider.on('end_session.success', (ctx: object) => ended.add(ctx));
  provider.use(async (ctx: KoaContext, next: () => Promise<void>) => {
    await next();
    if (!ended.has(ctx)) return;
    const cookie = ctx.cookies.get(CITIZEN_SESSION_COOKIE, { signed: false });
    const actor = await resolveSession(services.db, services.config, cookie);
    if (actor) await signOut(services.db, { actor, requestId: `oidc-logout-${Date.now()}`, locale: 'en' });
    ctx.cookies.set(CITIZEN_SESSION_COOKIE, null, { signed: false, path: '/', httpOnly: true, sameSite: 'lax' });
  });
}
