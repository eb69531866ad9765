import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileNotFoundError, type ByteRange, type FileStat, type FileStore, type PutOptions, type StoredFile } from './file-store.ts';
import { StoredFileStream } from './local-stream.ts';
import { isFileKey, measure, newFileKey } from './measure.ts';

/**
 * Files under `root` (DATA_DIR/files). A file is written to a temporary name and renamed into place only when
 * complete and flushed, so a crash never leaves half a file under a key. Keys are random (never user input).
 */
export class LocalDiskFileStore implements FileStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!isFileKey(key)) throw new Error(`not a file key: ${key}`);
    return path.join(this.root, key);
  }

  async put(content: Readable, options: PutOptions = {}): Promise<StoredFile> {
    const key = newFileKey();
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    await mkdir(path.join(this.root, 'tmp'), { recursive: true });
    const temporary = path.join(this.root, 'tmp', `${path.basename(key)}.part`);
    const measured = measure(options.maxBytes);
    try {
      await pipeline(content, measured.stream, createWriteStream(temporary, { flush: true }));
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { key, size: measured.size(), sha256: measured.sha256() };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    // Opened here, not by the stream: a missing file is a rejection the caller can answer, not a stream error mid-reply.
    const file = await open(this.pathOf(key), 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new FileNotFoundError(key) : error;
    });
    // A range past the end is cut at the end, as a file stream does (callers read a file's head with a fixed range).
    const size = (await file.stat().catch(async (error: unknown) => { await file.close(); throw error; })).size;
    const start = Math.min(range?.start ?? 0, size);
    return new StoredFileStream(file, start, Math.min(range ? range.end + 1 : size, size) - start);
  }

  async stat(key: string): Promise<FileStat | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return { size: info.size, modifiedAt: info.mtime };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

/** The default store for a deployment: local disk under DATA_DIR/files. */
export const localFileStore = (dataDir: string): FileStore => new LocalDiskFileStore(path.join(dataDir, 'files'));
