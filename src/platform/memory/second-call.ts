/**
 * Lets a key into a cache only the second time it is seen among the last `window` distinct keys. Most distinct calls
 * never come again (a cache-busting `_=` parameter, a harvester's next page, a query asked once): kept, they pushed
 * out what is asked for again, and turned a cache over every few seconds under load, which the garbage collector paid
 * for in pauses. Keys are remembered as 30-bit hashes (small integers, which V8 stores without allocating): a
 * collision only lets one key in early.
 */
export class SecondCall {
  readonly #seen = new Set<number>();

  constructor(readonly window = 50_000) {}

  admit(key: string): boolean {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    hash >>= 2;
    if (this.#seen.has(hash)) return true;
    if (this.#seen.size >= this.window) this.#seen.clear();
    this.#seen.add(hash);
    return false;
  }
}
