import { createHash, randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import { FileTooLargeError } from './file-store.ts';

// What every store does to a file on its way in: count it against the limit and hash it, in one pass.

/** Keys are random (never user input) and spread over 256 prefixes: `ab/ab…-uuid`. */
export function newFileKey(): string {
  const id = randomUUID();
  return `${id.slice(0, 2)}/${id}`;
}
const KEY = /^[0-9a-f]{2}\/[0-9a-f-]{36}$/;
export const isFileKey = (key: string) => KEY.test(key);

export interface Measure {
  stream: Transform;
  size(): number;
  sha256(): string;
}

/** A pass-through stream that fails with FileTooLargeError once more than `maxBytes` have gone through. */
export function measure(maxBytes?: number): Measure {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (maxBytes !== undefined && size > maxBytes) return done(new FileTooLargeError(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { stream, size: () => size, sha256: () => hash.digest('hex') };
}
