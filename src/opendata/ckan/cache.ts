import type { Db, Trx } from '../../platform/db/database.ts';
import { BudgetedLru } from '../../platform/memory/budgeted-lru.ts';
import { SecondCall } from '../../platform/memory/second-call.ts';

// A short-lived cache of CKAN answers, serialized and UTF-8 encoded once (encoding the JSON text again on every send
// was the largest cost of a cached answer). Open data is public and read far more than written (the paper:
// billions of downloads a year), and scripts repeat the same calls; CKAN sites put a cache in front for the same
// reason. Any open data write in this process empties it at once; other processes see a change within TTL_MS,
// well inside the 60 s that the answers' Cache-Control already allows shared caches.

const TTL_MS = 5_000;
export const ANSWER_CACHE_BYTES = 64 * 1024 * 1024;
export const ANSWER_CACHE_ENTRIES = 10_000;
/** Fixed overhead per entry (map slot, entry object, Buffer header): a floor, so that tiny answers still count. */
const ENTRY_BYTES = 256;

let generation = 0;

/** The catalogue's version in this process: an answer computed from an older one is not kept. */
export const catalogueVersion = () => generation;

/** Called after every committed change to datasets or resources. */
export function catalogueChanged(): void {
  generation++;
}

interface Entry { body: Buffer; at: number }

// The budget counts the key (UTF-16, two bytes a character) as well as the body: the key holds every parameter of
// the call, and a small answer to a long query would otherwise be counted as nearly free.
const cost = (key: string, entry: Entry) => ENTRY_BYTES + key.length * 2 + entry.body.length;

export class AnswerCache {
  // Its get only peeks, so the oldest answer goes first, not the least recently used: every answer expires TTL_MS
  // after it was kept, so the oldest has the least time left, and a hit costs no reordering.
  readonly #entries: BudgetedLru<Entry>;
  readonly #admission = new SecondCall();
  private seen = generation;

  constructor(readonly maxBytes = ANSWER_CACHE_BYTES, readonly maxEntries = ANSWER_CACHE_ENTRIES) {
    this.#entries = new BudgetedLru(cost, maxBytes, maxEntries);
  }

  /** The estimated bytes held (keys and bodies), always within `maxBytes`. */
  get bytes(): number { return this.#entries.bytes; }
  get size(): number { return this.#entries.size; }

  get(key: string): Buffer | undefined {
    this.sync();
    const entry = this.#entries.peek(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at > TTL_MS) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.body;
  }

  /** Whether the answer computed now is to be kept: the second time its call is seen, not the first (second-call.ts). */
  admits(key: string): boolean {
    return this.#admission.admit(key);
  }

  set(key: string, body: Buffer, computedAt = generation): void {
    this.sync();
    if (computedAt !== generation) {
      this.#entries.delete(key);
      return;
    }
    this.#entries.set(key, { body, at: Date.now() });
  }

  private sync(): void {
    if (this.seen === generation) return;
    this.#entries.clear();
    this.seen = generation;
  }
}

/** Runs a catalogue change in one transaction, then tells the cache. */
export async function changeCatalogue<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  const result = await db.transaction().execute(work);
  catalogueChanged();
  return result;
}
