import type Provider from 'oidc-provider';
import type { KoaContext } from 'oidc-provider';
import type { Db } from '../../platform/db/database.ts';
import { assertNotThrottled, recordFailure, type ThrottleRule } from '../../platform/throttle/index.ts';
import { DomainError } from '../../platform/errors.ts';

// The library has no rate limits. Failed client authentication and bad grants at the token-side endpoints are
// counted per address (block) and per client (slow down only, so an attacker cannot lock a service out).
const GUARDED = new Set(['token', 'pushed_authorization_request', 'revocation', 'userinfo']);

function rules(address: string, clientId: string | undefined): ThrottleRule[] {
  return [
    { key: `oidc:address:${address}`, limit: 50, windowSeconds: 900, mode: 'block' },
    ...(clientId ? [{ key: `oidc:client:${clientId}`, limit: 100, windowSeconds: 900, mode: 'slow' as const, maxDelaySeconds: 10 }] : []),
  ];
}

export function throttleTokenEndpoints(provider: Provider, db: Db): void {
  provider.use(async (ctx: KoaContext, next: () => Promise<void>) => {
    const path = ctx.req.url ?? '';
    const guarded = /^\/(token|request|me)(\/|\?|$)/.test(path);
    if (!guarded) return next();
    const clientId = /client_id=([^&]+)/.exec(path)?.[1];
    try {
      await assertNotThrottled(db, rules(ctx.ip, clientId));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      ctx.status = 429;
      ctx.set('retry-after', String(error.extra.retryAfterSeconds ?? 60));
      ctx.type = 'application/json';
      ctx.body = { error: 'slow_down', error_description: 'too many failed requests; try again later' };
      return;
    }
    await next();
    if ((ctx.status === 400 || ctx.status === 401) && GUARDED.has(ctx.oidc?.route ?? '')) await recordFailure(db, rules(ctx.ip, ctx.oidc?.client?.clientId));
  });
}
