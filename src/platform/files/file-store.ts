import type { Readable } from 'node:stream';

// A small storage port shared by modules: whole files in, byte streams out. Local disk by default;
// an S3-compatible adapter fits the same interface.

export interface StoredFile {
  /** Opaque key chosen by the store; keep it to read the file back. */
  key: string;
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
}

export interface FileStat {
  size: number;
  modifiedAt: Date;
}

/** Inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PutOptions {
  /** Refuse (and keep nothing) once the stream passes this many bytes. */
  maxBytes?: number;
}

export class FileTooLargeError extends Error {
  override name = 'FileTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
  }
}

/** No bytes under the key (deleted, or never finished): callers answer "not found" rather than fail. */
export class FileNotFoundError extends Error {
  override name = 'FileNotFoundError';
  constructor(readonly key: string) {
    super(`No file is stored under ${key}.`);
  }
}

export interface FileStore {
  put(content: Readable, options?: PutOptions): Promise<StoredFile>;
  /** Rejects with FileNotFoundError when nothing is stored under the key (before any byte is streamed). */
  get(key: string, range?: ByteRange): Promise<Readable>;
  stat(key: string): Promise<FileStat | undefined>;
  delete(key: string): Promise<void>;
}
