import type { Locale } from '../../platform/i18n/index.ts';
import { BudgetedLru } from '../../platform/memory/budgeted-lru.ts';
import { SecondCall } from '../../platform/memory/second-call.ts';

// Datasets as the CKAN API presents them, already serialized, each with the catalogue version (migration
// catalogue_version) that the statement reading it also read. A later call uses one only while the catalogue is still
// at that version, as read at most VERSION_READ_MS ago (search-cache.ts) and after this process's own last change, so
// a process answers from its own changes at once and from another's within VERSION_READ_MS. Searches and package_show
// calls that differ only in what they ask for, not in the datasets they return, then cost no statement, or one small
// one, instead of reading, presenting and serializing every dataset again (Solr keeps a document cache for the same
// reason). The organisations' names inside are as fresh as the organisations copy (context.ts): a new copy
// empties this cache. A dataset is kept from the second time it is presented (second-call.ts): under searches never
// asked before, keeping each one's datasets at once churned the cache and the old generation of the heap, and the
// collector's pauses set the p99. Kept as UTF-8: most datasets hold Chinese text, which made each answer's text two
// bytes a character for Node to transcode on every send.

export const PRESENTED_BYTES = 32 * 1024 * 1024;
export const PRESENTED_ENTRIES = 20_000;
/** Fixed overhead per entry (map slot, entry object): a floor, so that tiny entries still count. */
const ENTRY_BYTES = 128;

/**
 * A CKAN `result` already serialized, as pieces of JSON in order (text, or UTF-8 bytes for pieces kept encoded): the
 * route copies them into the envelope once (a page of ten datasets is 20-40 kB; each whole copy of it made per call is
 * garbage to collect).
 */
export class PresentedJson {
  constructor(readonly parts: (string | Buffer)[]) {}
}

interface Entry { version: number; json: Buffer }
// Keys are counted at two bytes a character (Chinese text is stored so).
const cost = (key: string, entry: Entry) => ENTRY_BYTES + key.length * 2 + entry.json.length;

export class PresentedDatasets {
  readonly #entries: BudgetedLru<Entry>;
  readonly #admission = new SecondCall();
  #organisations: unknown;

  constructor(readonly maxBytes = PRESENTED_BYTES, readonly maxEntries = PRESENTED_ENTRIES) {
    this.#entries = new BudgetedLru(cost, maxBytes, maxEntries);
  }

  get bytes(): number { return this.#entries.bytes; }
  get size(): number { return this.#entries.size; }

  /** Forgets everything when the organisations copy the presenter used is replaced. */
  presentedWith(organisations: unknown): void {
    if (organisations === this.#organisations) return;
    this.#entries.clear();
    this.#organisations = organisations;
  }

  /** The dataset (named by id or by name) in `locale`, as held: the caller checks its version. */
  get(locale: Locale, idOrName: string): Entry | undefined {
    return this.#entries.get(`${locale} ${idOrName}`);
  }

  has(locale: Locale, idOrName: string, version: number): boolean {
    return this.#entries.peek(`${locale} ${idOrName}`)?.version === version;
  }

  /**
   * Keeps the dataset's JSON if it was offered before, and gives the piece to send: the kept bytes, or the text as it
   * is (a buffer of its own for a dataset not kept would be memory outside the heap made on every call).
   */
  offer(locale: Locale, idOrName: string, version: number, json: string): string | Buffer {
    const key = `${locale} ${idOrName}`;
    if (!this.#entries.peek(key) && !this.#admission.admit(key)) return json;
    // A buffer of its own, not a slice of Node's shared pool: a kept slice would hold its whole 8 kB slab.
    const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
    bytes.write(json);
    this.#entries.set(key, { version, json: bytes });
    return bytes;
  }
}
