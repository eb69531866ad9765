import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { FileStore, StoredFile } from './file-store.ts';

// Multipart uploads for no-JavaScript forms, read only as far as the start of the first file part. The fields before
// it (the form puts `_csrf` first) become the body, so the CSRF check and the session run as for any form; the files
// stay unread, held back by the socket's flow control, until the route has authorised the request and calls
// receive(). A refused request never touches the FileStore: its files are read and thrown away (discard) so the
// connection stays usable.

/** A file as the person sent it, stored: its key, size and hash, and the name they gave it. */
export interface UploadedFile extends StoredFile { fileName: string }

export interface ReceivedFile {
  /** The file sent in the `file` field. */
  file?: UploadedFile;
  /** The `file` field's file passed the size limit; nothing of it was kept. */
  tooLarge?: boolean;
  /** Every stored file by its form field name (with `fileFields`, several fields may carry one). */
  uploads: Record<string, UploadedFile>;
  /** Field names whose file passed the size limit. */
  tooLargeFields: string[];
}

export interface PendingUpload {
  /** The fields sent before the first file; receive() adds those after it. */
  fields: Record<string, string>;
  _csrf?: string;
  /** Streams the files (if any) into the store; call once, after authorising the request. */
  receive(files: FileStore): Promise<ReceivedFile>;
  /** Reads the rest of the body and keeps none of it (a refused request). Safe to call at any time. */
  discard(): void;
  /** True once receive() or discard() has taken the files. */
  readonly settled: boolean;
}

export interface PendingUploadOptions {
  /** Which form fields may carry a file; by default only `file`. One file per field. */
  fileFields?: (name: string) => boolean;
  /** How many files one request may carry (default 1); later ones are not read. */
  maxFiles?: number;
}

export const isPendingUpload = (body: unknown): body is PendingUpload =>
  typeof body === 'object' && body !== null && typeof (body as PendingUpload).receive === 'function';

export const safeFileName = (name: string) => (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f]/g, '').slice(0, 200) || 'file';

type FileStream = Readable & { truncated?: boolean };
interface SentFile { field: string; name: string; stream: FileStream }
type Stored = { field: string; file?: UploadedFile; tooLarge?: boolean };

/** A content-type parser for `multipart/form-data` whose files are read later, by receive(). */
export function pendingUploadParser(maxBytes: number, options: PendingUploadOptions = {}) {
  const isFileField = options.fileFields ?? ((name: string) => name === 'file');
  return (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: PendingUpload) => void) => {
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = new Busboy({ headers: request.headers as never, limits: { files: options.maxFiles ?? 1, fields: 40, fieldSize: 100_000, fileSize: maxBytes } });
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }));
      return;
    }
    const fields: Record<string, string> = {};
    // Files that arrived before receive() was called (a small file fits in the stream's buffer, so busboy moves on).
    const waiting: SentFile[] = [];
    const sent: SentFile[] = [];
    let store: ((file: SentFile) => void) | undefined;
    let answered = false;
    let settled = false;
    const finished = new Promise<void>((resolve, reject) => {
      busboy.on('finish', resolve);
      busboy.on('error', (error: Error) => reject(Object.assign(error, { statusCode: 400 })));
      // A client that goes away mid-upload: whoever is reading a file must stop waiting.
      payload.on('close', () => {
        if (payload.complete) return;
        const aborted = Object.assign(new Error('The upload was interrupted.'), { statusCode: 400 });
        for (const file of sent) file.stream.destroy(aborted);
        reject(aborted);
      });
    });
    finished.catch(() => undefined);

    const stopReading = () => {
      payload.unpipe(busboy);
      payload.resume();
    };

    const body: PendingUpload = {
      fields,
      get settled() { return settled; },
      async receive(files) {
        if (settled) throw new Error('the upload was already taken');
        settled = true;
        const storing: Promise<Stored>[] = [];
        let failed: (error: unknown) => void = () => undefined;
        const failure = new Promise<never>((_, reject) => { failed = reject; });
        failure.catch(() => undefined);
        store = (file) => {
          const put = files.put(file.stream).then(async (stored): Promise<Stored> => {
            // Busboy stops at the limit and marks the stream truncated: what was stored is not the whole file.
            if (!file.stream.truncated) return { field: file.field, file: { ...stored, fileName: safeFileName(file.name) } };
            await files.delete(stored.key);
            return { field: file.field, tooLarge: true };
          });
          // A file the store could not take stops the request: busboy would wait for it forever.
          put.catch((error: unknown) => {
            stopReading();
            for (const other of sent) other.stream.destroy(error as Error);
            failed(error);
          });
          storing.push(put);
        };
        waiting.splice(0).forEach(store);
        const outcome = await Promise.race([finished, failure]).then(() => undefined, (error: unknown) => error ?? new Error('upload failed'));
        // A failed body leaves no file half-read: each put ends, and what it stored is deleted below. (Destroyed with an
        // error: a stream destroyed without one after its end was pushed would leave a pipeline waiting.)
        if (outcome) for (const file of sent) file.stream.destroy(outcome as Error);
        const results = await Promise.allSettled(storing);
        const kept = results.flatMap((r) => (r.status === 'fulfilled' && r.value.file ? [r.value.file] : []));
        const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (outcome || refused) {
          await Promise.all(kept.map((file) => files.delete(file.key)));
          throw (outcome ?? refused!.reason) as Error;
        }
        const stored = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const uploads = Object.fromEntries(stored.flatMap((s) => (s.file ? [[s.field, s.file]] : [])));
        const tooLargeFields = stored.filter((s) => s.tooLarge).map((s) => s.field);
        return { uploads, tooLargeFields, ...(uploads.file ? { file: uploads.file } : {}), ...(tooLargeFields.includes('file') ? { tooLarge: true } : {}) };
      },
      discard() {
        if (settled) return;
        settled = true;
        stopReading();
      },
    };
    const answer = () => {
      if (answered) return;
      answered = true;
      body._csrf = fields._csrf;
      done(null, body);
    };

    busboy.on('field', (name: string, value: string) => { fields[name] = value.replace(/\u0000/g, ''); });
    busboy.on('file', (field: string, stream: FileStream, fileName: string) => {
      // A body cut off inside a file part errors its stream, perhaps before anyone reads it (or after a refusal):
      // without a listener that would end the process. The request fails through `finished` (or the store's put).
      stream.on('error', () => undefined);
      if (!isFileField(field) || !fileName || sent.some((f) => f.field === field)) {
        stream.resume();
        return;
      }
      const file = { field, name: fileName, stream };
      sent.push(file);
      if (store) store(file);
      else waiting.push(file);
      answer();
    });
    busboy.on('error', (error: Error) => {
      if (!answered) {
        answered = true;
        done(Object.assign(error, { statusCode: 400 }));
      }
    });
    busboy.on('finish', answer);
    payload.pipe(busboy);
  };
}
