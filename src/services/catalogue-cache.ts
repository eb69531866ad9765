/**
 * Answers computed at one catalogue version (see migration catalogue_version), reused only while the database still
 * holds that version: a process never answers from a catalogue older than the one it just read. Least recently used
 * answers go first past `capacity`; another version (newer, or older after a restore) empties the cache.
 */
export class VersionedCache<T> {
  #version = -1;
  readonly #entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get(version: number, key: string): T | undefined {
    if (version !== this.#version) return undefined;
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** `value` was read after `version` was seen: it is at least that new (newer is harmless: it was read concurrently). */
  set(version: number, key: string, value: T): void {
    if (version !== this.#version) {
      this.#version = version;
      this.#entries.clear();
    }
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** The cached answer at `version`, or `compute()`'s, kept for the next caller. */
  async through(version: number, key: string, compute: () => Promise<T>): Promise<T> {
    const cached = this.get(version, key);
    if (cached !== undefined) return cached;
    const value = await compute();
    this.set(version, key, value);
    return value;
  }
}
