import type { Queryable } from '../platform/db/database.ts';
import { catalogueVersion } from './store.ts';
import { recentRead } from '../platform/db/recent-read.ts';
import { catalogueVersion as catalogueGeneration } from './ckan/cache.ts';
import { BudgetedLru } from '../platform/memory/budgeted-lru.ts';
import { SecondCall } from '../platform/memory/second-call.ts';

// Ranked matches of recent searches, in this process, each with the catalogue version it was read at (migration
// catalogue_version). A later call with the same query, filters, sort and facets, on any page, reads only its page's
// rows and the current version in one statement (or, when the caller holds every dataset of the page, the version
// alone, as read at most VERSION_READ_MS ago); the kept matches are used only if that version is unchanged, so another
// process's change is seen at once or within VERSION_READ_MS, and this process's own at once. Least recently used
// entries go first past the byte budget or the entry cap. The budget counts each entry's key too: the key holds the
// whole query text, and counting only ids let many long distinct queries hold memory without bound. A search's matches
// are kept from the second time it is read (second-call.ts): most queries are asked once, and keeping each at once
// churned the cache and the heap.

/** How many of a search's best-ranked ids are kept: enough for the first pages at CKAN's largest `rows`. */
export const KEPT_IDS = 2_000;
/** Estimated heap bytes of one kept id (a 36-character string and its array slot). */
const ID_BYTES = 64;
/** Fixed overhead per entry (map slot, entry object, facets): a floor, so that tiny entries still count. */
const ENTRY_BYTES = 256;
export const SEARCH_CACHE_BYTES = 64 * 1024 * 1024;
export const SEARCH_CACHE_ENTRIES = 10_000;

export interface RankedMatches<F> { version: number; count: number; ids: string[]; facets: F }

/** What an entry costs against the budget: its key (UTF-16, two bytes a character) and its ids. */
const cost = (key: string, entry: RankedMatches<unknown>) => ENTRY_BYTES + key.length * 2 + entry.ids.length * ID_BYTES;

export class SearchCache<F> {
  readonly #entries: BudgetedLru<RankedMatches<F>>;
  readonly #admission = new SecondCall();

  constructor(readonly maxBytes = SEARCH_CACHE_BYTES, readonly maxEntries = SEARCH_CACHE_ENTRIES) {
    this.#entries = new BudgetedLru<RankedMatches<F>>(cost, maxBytes, maxEntries);
  }

  /** The estimated bytes held (keys and ids), always within `maxBytes`. */
  get bytes(): number { return this.#entries.bytes; }
  get size(): number { return this.#entries.size; }

  /** The kept matches if they hold the asked page (or every match). */
  get(key: string, end: number): RankedMatches<F> | undefined {
    // Peeked first: matches too short for the page are no use to this call, so they do not count as used.
    const entry = this.#entries.peek(key);
    if (!entry || (end > entry.ids.length && entry.ids.length < entry.count)) return undefined;
    return this.#entries.get(key);
  }

  /** Whether the search read now is to have its matches kept: the second time it is read, not the first. */
  admits(key: string): boolean {
    return this.#admission.admit(key);
  }

  set(key: string, entry: RankedMatches<F>): void {
    this.#entries.set(key, entry);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

const caches = new WeakMap<Queryable, SearchCache<unknown> | null>();

/** The cache of searches run through `db`, or undefined when switched off for it (OPENDATA_CACHE=false). */
export function searchCacheFor<F>(db: Queryable): SearchCache<F> | undefined {
  let cache = caches.get(db);
  if (cache === undefined) caches.set(db, (cache = new SearchCache()));
  return (cache ?? undefined) as SearchCache<F> | undefined;
}

export const disableSearchCache = (db: Queryable) => caches.set(db, null);

/**
 * How long a read of the catalogue's version serves later calls in this process. Another process's change is in every
 * answer within about this long (well inside the TTL_MS its answer cache already allows), this process's own at once.
 * Under load, a read for every round trip was a fifth of a kept package_show's cost.
 */
export const VERSION_READ_MS = 100;
const versionReaders = new WeakMap<Queryable, (epoch: number) => Promise<number | undefined>>();

/** The catalogue's version (migration catalogue_version) as read at most VERSION_READ_MS ago, after this process's last change. */
export function recentCatalogueVersion(db: Queryable): Promise<number | undefined> {
  let reader = versionReaders.get(db);
  if (!reader) versionReaders.set(db, (reader = recentRead(() => catalogueVersion(db), VERSION_READ_MS)));
  return reader(catalogueGeneration());
}
