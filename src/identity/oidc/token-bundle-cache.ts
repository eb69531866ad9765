import type { Queryable } from '../../platform/db/database.ts';
import { BudgetedLru } from '../../platform/memory/budgeted-lru.ts';
import { readChangesAndBundles, type ChangeLogPlace, type ChangesRead, type TokenBundle, type TokenBundleRequest } from './store.ts';

// Access tokens' bundles (store.ts) kept in this process, and never used without first reading the identity change
// log (migration identity_changes) in a statement sent after the request arrived: every change committed before a
// request asked (a revoked token, a withdrawn grant, a disabled account, an edited profile, a failure counted against
// the caller's address) is seen by it, from whichever process it came. Concurrent requests share that statement; the
// tokens not held are read in it too, at the same moment as the log.
// Up to IN_FLIGHT statements overlap, so that a call need not wait for a whole statement under way before its own is
// sent. Their moments may come in any order, so a bundle read by one is not kept if a statement that returned while it
// was under way reported a change to it: that change may be newer than the bundle, and the log will not name it again.

/**
 * How many tokens a statement reads at most, how many statements may be under way at once, and how many calls must be
 * waiting before another is sent while one is under way: a statement for every call or two cost the database a wake-up
 * each, and writing them cost this process as much as writing the answers.
 */
const BATCH = 64;
const IN_FLIGHT = 4;
const OVERLAP_AT = 16;
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
/** A statement under way: the number of returns applied before it was sent, and the forgetting it was sent in. */
interface Sent { after: number; epoch: number }
export interface TokenBundleCacheOptions { maxEntries?: number; now?: () => number; overlapAt?: number }

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
  readonly #overlapAt: number;
  #place: ChangeLogPlace | undefined;
  #readAt = 0;
  #waiting: Waiting[] = [];
  #scheduled = false;
  readonly #underWay = new Set<Sent>();
  /** The change keys each return brought, numbered in the order they were applied, while a statement sent before is under way. */
  #returns: { number: number; keys: string[] }[] = [];
  #returned = 0;
  /** Bumped when everything is forgotten: what a statement sent before reads is not kept. */
  #epoch = 0;

  constructor(private readonly db: Queryable, options: TokenBundleCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? 20_000;
    // Counted in entries: a small bundle measured 1.2 kB of heap, a full one (session, e-ME profile) is a few, so
    // 20,000 stay under 100 MB.
    this.#kept = new BudgetedLru<Kept>(() => 1, maxEntries, maxEntries, (id, kept) => this.#unindex(id, kept));
    this.#clearCounters = new BudgetedLru<true>(() => 1, maxEntries, maxEntries);
    this.#now = options.now ?? Date.now;
    this.#overlapAt = options.overlapAt ?? OVERLAP_AT;
  }

  get size(): number { return this.#kept.size; }

  /** The token's bundle as of a read of the log sent after this call; undefined when there is no such live token. */
  read = (request: TokenBundleRequest): Promise<TokenBundle | undefined> => new Promise((resolve, reject) => {
    this.#waiting.push({ request, resolve, reject });
    // The rest of this turn's requests join the same statement; otherwise the next return sends them.
    if (!this.#scheduled && this.#mayOverlap()) {
      this.#scheduled = true;
      setImmediate(() => this.#send());
    }
  });

  #send(): void {
    this.#scheduled = false;
    if (this.#waiting.length === 0 || !this.#mayOverlap()) return;
    // Until a first statement returns, there is no place to read changes from: statements overlapping it could not
    // tell each other what changed between their moments.
    if (!this.#place && this.#underWay.size > 0) return;
    if (this.#place && this.#now() - this.#readAt > IDLE_MS) this.#forget();
    const held: Waiting[] = [];
    const reads: Waiting[] = [];
    const later: Waiting[] = [];
    for (const w of this.#waiting) (this.#held(w.request) ? held : reads.length < BATCH ? reads : later).push(w);
    this.#waiting = later;
    const sent: Sent = { after: this.#returned, epoch: this.#epoch };
    this.#underWay.add(sent);
    readChangesAndBundles(this.db, 'AccessToken', this.#place, reads.map((w) => w.request), MAX_CHANGES).then(({ changes, bundles }) => {
      const newer = this.#keysReturnedSince(sent.after);
      this.#apply(changes);
      const keep = sent.epoch === this.#epoch;
      reads.forEach((w, i) => {
        if (keep) this.#keep(w.request, bundles[i], newer);
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
      this.#underWay.delete(sent);
      const oldest = Math.min(this.#returned, ...[...this.#underWay].map((u) => u.after));
      this.#returns = this.#returns.filter((r) => r.number > oldest);
      this.#send();
    });
  }

  #mayOverlap(): boolean {
    return this.#underWay.size === 0 || (this.#underWay.size < IN_FLIGHT && this.#waiting.length >= this.#overlapAt);
  }

  /** The change keys that returns applied after the first `after` brought (empty when none did). */
  #keysReturnedSince(after: number): Set<string> {
    const keys = new Set<string>();
    for (const r of this.#returns) if (r.number > after) for (const key of r.keys) keys.add(key);
    return keys;
  }

  #held(request: TokenBundleRequest): TokenBundle | undefined {
    const kept = this.#kept.peek(request.id);
    if (!kept) return undefined;
    for (const key of request.throttle.keys) if (!this.#clearCounters.peek(key)) return undefined;
    return kept.bundle;
  }

  #apply({ keys, place }: ChangesRead): void {
    if (keys.length > MAX_CHANGES) this.#forget();
    // Any return's place is one from which nothing unseen is missed; the latest to return may be the earlier moment,
    // which only means reading some changes twice.
    this.#place = place;
    if (this.#underWay.size > 1) this.#returns.push({ number: ++this.#returned, keys });
    else this.#returned++;
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

  /** Keeps what a statement read, unless `newer` (changes returned while it was under way) names part of it. */
  #keep(request: TokenBundleRequest, bundle: TokenBundle | undefined, newer: Set<string>): void {
    if (!bundle) return;
    if (!bundle.throttleCounted) for (const key of request.throttle.keys) if (!newer.has(THROTTLE + key)) this.#clearCounters.set(key, true);
    const keys = changeKeys(request.id, bundle);
    if (!keys || keys.some((key) => newer.has(key))) return;
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
    this.#epoch++;
    this.#kept.clear();
    this.#clearCounters.clear();
    this.#place = undefined;
  }
}
