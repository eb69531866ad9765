// The core the in-process caches share (open data's answers, presented datasets, searches): entries in use order,
// held within a byte budget and an entry cap. Each cache keeps its own rules (expiry, versions) around it.

/**
 * A least-recently-used map of string keys within `maxBytes` (as estimated by `cost`) and `maxEntries`. `cost` must
 * give the same figure for a key and value as long as they are held: it is asked again when they leave. Values are
 * never undefined, which is how a missing key reads.
 */
export class BudgetedLru<V extends NonNullable<unknown>> {
  // A Map keeps insertion order: re-inserting on use keeps the least recently used first.
  readonly #entries = new Map<string, V>();
  #bytes = 0;

  constructor(
    readonly cost: (key: string, value: V) => number,
    readonly maxBytes: number,
    readonly maxEntries: number,
    /** Told of every value that leaves (deleted, replaced, pushed out or cleared), e.g. to keep an index of them. */
    readonly onRemove?: (key: string, value: V) => void,
  ) {}

  /** The estimated bytes held, always within `maxBytes`. */
  get bytes(): number { return this.#bytes; }
  get size(): number { return this.#entries.size; }

  /** The value, now the most recently used. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** The value, leaving its place in the order as it was. */
  peek(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /**
   * Holds `value` under `key` as the most recently used, in place of any value held before, then lets the least
   * recently used go until the budget and cap hold again. A value costing more than an eighth of the budget is
   * refused (false), and the old value is gone all the same: one huge entry would otherwise push out many.
   */
  set(key: string, value: V): boolean {
    this.delete(key);
    const cost = this.cost(key, value);
    if (cost > this.maxBytes / 8) return false;
    this.#entries.set(key, value);
    this.#bytes += cost;
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= this.maxBytes && this.#entries.size <= this.maxEntries) break;
      this.#remove(k, v);
    }
    return true;
  }

  delete(key: string): boolean {
    const value = this.#entries.get(key);
    if (value === undefined) return false;
    this.#remove(key, value);
    return true;
  }

  clear(): void {
    if (this.onRemove) for (const [key, value] of this.#entries) this.onRemove(key, value);
    this.#entries.clear();
    this.#bytes = 0;
  }

  #remove(key: string, value: V): void {
    this.#entries.delete(key);
    this.#bytes -= this.cost(key, value);
    this.onRemove?.(key, value);
  }
}
