import type { Queryable } from '../platform/db/database.ts';

// Ranked matches of recent searches, in this process, each with the catalogue version it was read at (migration
// catalogue_version). A later call with the same query, filters, sort and facets, on any page, reads only its page's
// rows and the current version in one statement; the kept matches are used only if that version is unchanged, so
// another process's change is seen as soon as it is committed. Least recently used entries go first past MAX_IDS.

/** How many of a search's best-ranked ids are kept: enough for the first pages at CKAN's largest `rows`. */
export const KEPT_IDS = 2_000;
const MAX_IDS = 1_000_000;

export interface RankedMatches<F> { version: number; count: number; ids: string[]; facets: F }

export class SearchCache<F> {
  readonly #entries = new Map<string, RankedMatches<F>>();
  #ids = 0;

  /** The kept matches if they hold the asked page (or every match). */
  get(key: string, end: number): RankedMatches<F> | undefined {
    const entry = this.#entries.get(key);
    if (!entry || (end > entry.ids.length && entry.ids.length < entry.count)) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: RankedMatches<F>): void {
    this.delete(key);
    this.#entries.set(key, entry);
    this.#ids += entry.ids.length + 1;
    for (const [k] of this.#entries) {
      if (this.#ids <= MAX_IDS) break;
      this.delete(k);
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#ids -= entry.ids.length + 1;
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
