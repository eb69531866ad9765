import type { Queryable } from '../../platform/db/database.ts';
import { BudgetedLru } from '../../platform/memory/budgeted-lru.ts';
import { readChangesAndBundles, type ChangeLogPlace, type ChangesRead, type TokenBundle, type TokenBundleRequest } from './store.ts';

// Access tokens' bundles (store.ts) kept in this process, and never used without first reading the identity change
// log (migration identity_changes) in a statement sent after the request arrived: every change committed before a
// request asked (a revoked token, a withdrawn grant, a disabled account, an edited profile, a failure counted against
// the caller's address) is seen by it, from whichever process it came. Concurrent requests share that statement; the
// tokens not held are read in it too, at the same moment as the log, so what is kept and what has changed since agree.
// One statement at a time: each is applied in the order its moment came.

/** How many tokens a statement reads at most. */
const BATCH = 64;
/** More changes than this since the last read: forget everything rather than carry them over. */
const MAX_CHANGES = 10_000;
/**
 * The log is swept after a day (housekeeping.ts); a process that has not read it for this long forgets what it holds,
 * so it can never miss a change that was swept before it looked.
 */
const IDLE_MS = 10 * 60_000;
const THROTTLE = 'throttle:';

interface Kept { bundle: TokenBundle; keys: string[] }
interface Waiting { request: TokenBundleRequest; resolve(bundle: TokenBundle | undefined): void; reject(error: unknown): void }
export interface TokenBundleCacheOptions { maxEntries?: number; now?: () => number }

/**
 * The change-log keys a bundle is made of (as the migration's triggers write them), or undefined for a bundle that is
 * not kept: one without its grant or citizen could become whole by an insert, which the log does not name.
 */
function changeKeys(id: string, bundle: TokenBundle): string[] | undefined {
  const token = bundle.payload;
  if (!bundle.grant || !bundle.account || (token.expiresWithSession && !bundle.session)) return undefined;
  const keys = [`token:${id}`, `grant:${String(token.grantId)}`, `citizen:${bundle.account.id}`];
  if (typeof token.sessionUid === 'string') keys.push(`session:${token.sessionUid}`);
  return keys;
}

export class TokenBundleCache {
  readonly #kept: BudgetedLru<Kept>;
  /** Change-log key → the tokens whose kept bundle it is part of. */
  readonly #byKey = new Map<string, Set<string>>();
  /** Throttle counter keys with nothing counted at the last look (a counted one is always read again). */
  readonly #clearCounters: BudgetedLru<true>;
  readonly #now: () => number;
  #place: ChangeLogPlace | undefined;
  #readAt = 0;
  #waiting: Waiting[] = [];
  #underWay = false;
  #scheduled = false;

  constructor(private readonly db: Queryable, options: TokenBundleCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? 20_000;
    // Counted in entries: a bundle is a few kilobytes, so 20,000 hold well under 100 MB.
    this.#kept = new BudgetedLru<Kept>(() => 1, maxEntries, maxEntries, (id, kept) => this.#unindex(id, kept));
    this.#clearCounters = new BudgetedLru<true>(() => 1, maxEntries, maxEntries);
    this.#now = options.now ?? Date.now;
  }

  get size(): number { return this.#kept.size; }

  /** The token's bundle as of a read of the log sent after this call; undefined when there is no such live token. */
  read = (request: TokenBundleRequest): Promise<TokenBundle | undefined> => new Promise((resolve, reject) => {
    this.#waiting.push({ request, resolve, reject });
    // The rest of this turn's requests join the same statement; one under way sends the next when it returns.
    if (!this.#underWay && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#send());
    }
  });

  #send(): void {
    this.#scheduled = false;
    if (this.#underWay || this.#waiting.length === 0) return;
    if (this.#place && this.#now() - this.#readAt > IDLE_MS) this.#forget();
    const held: Waiting[] = [];
    const reads: Waiting[] = [];
    const later: Waiting[] = [];
    for (const w of this.#waiting) (this.#held(w.request) ? held : reads.length < BATCH ? reads : later).push(w);
    this.#waiting = later;
    this.#underWay = true;
    readChangesAndBundles(this.db, 'AccessToken', this.#place, reads.map((w) => w.request), MAX_CHANGES).then(({ changes, bundles }) => {
      this.#apply(changes);
      reads.forEach((w, i) => {
        this.#keep(w.request, bundles[i]);
        w.resolve(bundles[i]);
      });
      for (const w of held) {
        const bundle = this.#held(w.request);
        if (bundle) {
          this.#kept.get(w.request.id);
          w.resolve(bundle);
        } else {
          // Changed since: read in the next statement.
          this.#waiting.push(w);
        }
      }
    }).catch((error: unknown) => {
      // The place in the log stays where it was: the next statement reads these changes again.
      for (const w of [...reads, ...held]) w.reject(error);
    }).finally(() => {
      this.#underWay = false;
      this.#send();
    });
  }

  #held(request: TokenBundleRequest): TokenBundle | undefined {
    const kept = this.#kept.peek(request.id);
    if (!kept) return undefined;
    for (const key of request.throttle.keys) if (!this.#clearCounters.peek(key)) return undefined;
    return kept.bundle;
  }

  #apply({ keys, place }: ChangesRead): void {
    if (keys.length > MAX_CHANGES) this.#forget();
    this.#place = place;
    this.#readAt = this.#now();
    for (const key of keys) {
      if (key.startsWith(THROTTLE)) {
        this.#clearCounters.delete(key.slice(THROTTLE.length));
        continue;
      }
      const ids = this.#byKey.get(key);
      if (ids) for (const id of [...ids]) this.#kept.delete(id);
    }
  }

  #keep(request: TokenBundleRequest, bundle: TokenBundle | undefined): void {
    if (!bundle) return;
    if (!bundle.throttleCounted) for (const key of request.throttle.keys) this.#clearCounters.set(key, true);
    const keys = changeKeys(request.id, bundle);
    if (!keys) return;
    this.#kept.set(request.id, { bundle: bundle.throttleCounted ? { ...bundle, throttleCounted: false } : bundle, keys });
    for (const key of keys) {
      let ids = this.#byKey.get(key);
      if (!ids) this.#byKey.set(key, (ids = new Set()));
      ids.add(request.id);
    }
  }

  #unindex(id: string, kept: Kept): void {
    for (const key of kept.keys) {
      const ids = this.#byKey.get(key);
      ids?.delete(id);
      if (ids?.size === 0) this.#byKey.delete(key);
    }
  }

  #forget(): void {
    this.#kept.clear();
    this.#clearCounters.clear();
    this.#place = undefined;
  }
}
