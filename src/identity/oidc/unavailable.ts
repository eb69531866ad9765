import type Provider from 'oidc-provider';
import type { KoaContext } from 'oidc-provider';
import type { Logger } from 'pino';
import { unreachableDatabase } from '../../platform/errors.ts';
import { renderProviderError } from './provider-pages.ts';

/**
 * A database that cannot be reached is answered 503 temporarily_unavailable (RFC 6749 §4.1.2.1) with Retry-After, as
 * the platform answers it, at every provider endpoint: the library answers server_error 500 for what fails in its own
 * routes, and Koa a bare 500 with a stack on stderr for what fails in the middlewares around them (the rate-limit
 * check). A browser gets the provider's error page, a program OAuth's JSON; logged once, through the app's logger.
 * Registered before any other middleware, so that it wraps them all.
 */
export function answerUnreachableDatabase(provider: Provider, logger: Pick<Logger, 'warn' | 'error'>): void {
  // What the library caught in its own routes (it answered server_error and told its listeners), by request.
  const caught = new WeakMap<object, unknown>();
  provider.on('server_error', (ctx: object, error: unknown) => {
    if (unreachableDatabase(error)) caught.set(ctx, error);
  });
  provider.use(async (ctx: KoaContext, next: () => Promise<void>) => {
    let failure: unknown;
    try {
      await next();
      if (!caught.has(ctx)) return;
      failure = caught.get(ctx);
    } catch (error) {
      // A refusal meant for the caller (Koa's own 4xx) keeps Koa's answer.
      if ((error as { expose?: boolean }).expose) throw error;
      failure = error;
    }
    const refusal = unreachableDatabase(failure);
    if (!refusal) {
      // Anything else that escaped the library's handler: logged here rather than printed by Koa, and answered as the library would.
      logger.error({ err: failure, route: ctx.oidc?.route }, 'openid provider error');
      await answer(ctx, 500, { error: 'server_error', error_description: 'oops! something went wrong' });
      return;
    }
    logger.warn({ err: failure, route: ctx.oidc?.route }, 'openid provider: the database cannot be reached');
    ctx.set('retry-after', String(refusal.extra.retryAfterSeconds ?? 5));
    await answer(ctx, 503, { error: 'temporarily_unavailable', error_description: refusal.message });
  });
}

async function answer(ctx: KoaContext, status: number, out: { error: string; error_description: string }): Promise<void> {
  ctx.status = status;
  ctx.remove('www-authenticate');
  ctx.set('cache-control', 'no-store');
  if (ctx.accepts('json', 'html') === 'html') await renderProviderError(ctx, out);
  else ctx.body = out;
}
