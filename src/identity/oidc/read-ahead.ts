import { AsyncLocalStorage } from 'node:async_hooks';
import type Provider from 'oidc-provider';
import type { KoaContext } from 'oidc-provider';
import type { ThrottleGate } from './throttle.ts';

/**
 * Within one provider request, models read together with a token (its grant, session and account, which the library
 * looks up right after it) wait here for that lookup: one query instead of four on every token and userinfo request.
 * An entry is used once, and any write in the request drops them all, so nothing stale is ever handed out. The
 * request's rate-limit check (throttle.ts) waits here too, to ride along with the first read.
 */
interface ProviderRequest { ahead: Map<string, unknown>; throttle?: ThrottleGate }
const current = new AsyncLocalStorage<ProviderRequest>();

export function readAheadPerRequest(provider: Provider): void {
  provider.use((_ctx: KoaContext, next: () => Promise<void>) => current.run({ ahead: new Map() }, next));
}

export const modelKey = (kind: string, by: string, value: string) => `${kind}\u0000${by}\u0000${value}`;

export const readAhead = {
  /** The model read ahead for this lookup, if any (`found: false`: go to the database). */
  take<T>(key: string): { found: boolean; payload?: T | undefined } {
    const map = current.getStore()?.ahead;
    if (!map?.has(key)) return { found: false };
    const payload = map.get(key) as T | undefined;
    map.delete(key);
    return { found: true, payload };
  },
  put(key: string, payload: unknown): void {
    current.getStore()?.ahead.set(key, payload);
  },
  forgetAll(): void {
    current.getStore()?.ahead.clear();
  },
};

/** The rate-limit check of the provider request being served, if it has one. */
export const requestThrottle = {
  get: (): ThrottleGate | undefined => current.getStore()?.throttle,
  set(gate: ThrottleGate): void {
    const store = current.getStore();
    if (store) store.throttle = gate;
  },
};
