import { AsyncLocalStorage } from 'node:async_hooks';
import type Provider from 'oidc-provider';
import type { AdapterPayload, KoaContext } from 'oidc-provider';

/**
 * Within one provider request, models read together with a token (its grant and session, which the library looks up
 * right after it) wait here for that lookup: one query instead of three on every token and userinfo request. An
 * entry is used once, and any write in the request drops them all, so nothing stale is ever handed out.
 */
const pending = new AsyncLocalStorage<Map<string, AdapterPayload | undefined>>();

export function readAheadPerRequest(provider: Provider): void {
  provider.use((_ctx: KoaContext, next: () => Promise<void>) => pending.run(new Map(), next));
}

export const modelKey = (kind: string, by: string, value: string) => `${kind}\u0000${by}\u0000${value}`;

export const readAhead = {
  /** The model read ahead for this lookup, if any (`found: false`: go to the database). */
  take(key: string): { found: boolean; payload?: AdapterPayload | undefined } {
    const map = pending.getStore();
    if (!map?.has(key)) return { found: false };
    const payload = map.get(key);
    map.delete(key);
    return { found: true, payload };
  },
  put(key: string, payload: AdapterPayload | undefined): void {
    pending.getStore()?.set(key, payload);
  },
  forgetAll(): void {
    pending.getStore()?.clear();
  },
};
