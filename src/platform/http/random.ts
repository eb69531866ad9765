import { randomFillSync } from 'node:crypto';

// Fresh random bytes from the operating system's CSPRNG, fetched 4 KiB at a time: one call per nonce cost as much as
// the rest of a simple request. Each byte is handed out once and then zeroed (Node batches randomUUID the same way).
const pool = Buffer.alloc(4096);
let used = pool.length;

/** `bytes` random bytes as hexadecimal, never handed out before. */
export function freshHex(bytes: number): string {
  if (bytes > pool.length) throw new RangeError(`freshHex: at most ${pool.length} bytes`);
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString('hex', used, used + bytes);
  pool.fill(0, used, used + bytes);
  used += bytes;
  return hex;
}
