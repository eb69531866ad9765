import type Provider from 'oidc-provider';
import type { KoaContext } from 'oidc-provider';
import type { Db } from '../../platform/db/database.ts';
import { assertNotThrottled, recordFailure, type ThrottleRule } from '../../platform/throttle/index.ts';
import { DomainError } from '../../platform/errors.ts';
import { requestThrottle } from './read-ahead.ts';
import type { ThrottleProbe } from './store.ts';

// The library has no rate limits. Failed client authentication and bad grants at the token-side endpoints are
// counted per address (block) and per client (slow down only, so an attacker cannot lock a service out).
const GUARDED = new Set(['token', 'pushed_authorization_request', 'revocation', 'userinfo']);

export function throttleRules(address: string, clientId: string | undefined): ThrottleRule[] {
  return [
    { key: `oidc:address:${address}`, limit: 50, windowSeconds: 900, mode: 'block' },
    ...(clientId ? [{ key: `oidc:client:${clientId}`, limit: 100, windowSeconds: 900, mode: 'slow' as const, maxDelaySeconds: 10 }] : []),
  ];
}

/** What to ask along with a read: a counter at the lowest limit within the longest window could be throttling. */
export function throttleProbe(rules: ThrottleRule[]): ThrottleProbe {
  return { keys: rules.map((r) => r.key), failures: Math.min(...rules.map((r) => r.limit)), windowSeconds: Math.max(...rules.map((r) => r.windowSeconds)) };
}

/** Thrown inside the provider when the request turns out to be throttled; the middleware answers 429 instead. */
export class ThrottledRequest extends Error {}

/**
 * A request's rate-limit check, made at its first database access rather than as a query of its own: the token
 * read asks in the same statement whether a counter for these keys could be throttling (almost never), and only
 * then is the exact check made. Any other access (a write above all) waits for the exact check, so a throttled request
 * changes nothing; one refused before touching the database is checked when it ends, and answered 429 all the same.
 */
export class ThrottleGate {
  private verdict: 'pending' | 'clear' | DomainError = 'pending';
  constructor(private readonly db: Db, readonly rules: ThrottleRule[]) {}

  /** What a read should ask about while the verdict is pending. */
  get probe(): ThrottleProbe | undefined { return this.verdict === 'pending' ? throttleProbe(this.rules) : undefined; }

  /** After a read that asked the probe: no counter that could throttle means nothing to check. */
  async afterRead(counted: boolean): Promise<void> {
    if (this.verdict === 'pending' && !counted) this.verdict = 'clear';
    await this.beforeDatabase();
  }

  async beforeDatabase(): Promise<void> {
    if (this.verdict === 'pending') {
      try {
        await assertNotThrottled(this.db, this.rules);
        this.verdict = 'clear';
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        this.verdict = error;
      }
    }
    if (this.verdict !== 'clear') throw new ThrottledRequest('throttled');
  }

  /** The refusal, if the request is throttled (checking now if nothing has yet). */
  async refusal(): Promise<DomainError | undefined> {
    await this.beforeDatabase().catch((error: unknown) => { if (!(error instanceof ThrottledRequest)) throw error; });
    return this.verdict instanceof DomainError ? this.verdict : undefined;
  }
}

export function throttleTokenEndpoints(provider: Provider, db: Db): void {
  provider.use(async (ctx: KoaContext, next: () => Promise<void>) => {
    const path = ctx.req.url ?? '';
    const guarded = /^\/(token|request|me)(\/|\?|$)/.test(path);
    if (!guarded) return next();
    const gate = new ThrottleGate(db, throttleRules(ctx.ip, /client_id=([^&]+)/.exec(path)?.[1]));
    requestThrottle.set(gate);
    await next();
    const refusal = await gate.refusal();
    if (refusal) {
      ctx.status = 429;
      ctx.remove('www-authenticate');
      ctx.set('retry-after', String(refusal.extra.retryAfterSeconds ?? 60));
      ctx.type = 'application/json';
      ctx.body = { error: 'slow_down', error_description: 'too many failed requests; try again later' };
      return;
    }
    if ((ctx.status === 400 || ctx.status === 401) && GUARDED.has(ctx.oidc?.route ?? '')) await recordFailure(db, throttleRules(ctx.ip, ctx.oidc?.client?.clientId));
  });
}
