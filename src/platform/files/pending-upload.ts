import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { FileStore } from './file-store.ts';
import type { UploadedFile } from './multipart.ts';

// A multipart body read only as far as the start of its file part. The fields before it (the form puts `_csrf`
// first) become the body, so the CSRF check and the session run as for any form; the file itself stays unread, held
// back by the socket's flow control, until the route has authorised the request and calls receive(). A refused
// request never touches the FileStore: its file is read and thrown away (discard) so the connection stays usable.

export interface ReceivedFile {
  file?: UploadedFile;
  /** The file passed the size limit; nothing of it was kept. */
  tooLarge?: boolean;
}

export interface PendingUpload {
  fields: Record<string, string>;
  _csrf?: string;
  /** Streams the file part (if any) into the store; call once, after authorising the request. */
  receive(files: FileStore): Promise<ReceivedFile>;
  /** Reads the rest of the body and keeps none of it (a refused request). Safe to call at any time. */
  discard(): void;
  /** True once receive() or discard() has taken the file part. */
  readonly settled: boolean;
}

export const isPendingUpload = (body: unknown): body is PendingUpload =>
  typeof body === 'object' && body !== null && typeof (body as PendingUpload).receive === 'function';

export const safeFileName = (name: string) => (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f]/g, '').slice(0, 200) || 'file';

type FileStream = Readable & { truncated?: boolean };

/** A content-type parser for `multipart/form-data` with one file field, `file`, read later by receive(). */
export function pendingUploadParser(maxBytes: number) {
  return (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: PendingUpload) => void) => {
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = new Busboy({ headers: request.headers as never, limits: { files: 1, fields: 40, fieldSize: 100_000, fileSize: maxBytes } });
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }));
      return;
    }
    const fields: Record<string, string> = {};
    let file: { stream: FileStream; name: string } | undefined;
    let answered = false;
    let settled = false;
    const finished = new Promise<void>((resolve, reject) => {
      busboy.on('finish', resolve);
      busboy.on('error', (error: Error) => reject(Object.assign(error, { statusCode: 400 })));
      // A client that goes away mid-upload: whoever is reading the file must stop waiting.
      payload.on('close', () => {
        if (payload.complete) return;
        const aborted = Object.assign(new Error('The upload was interrupted.'), { statusCode: 400 });
        file?.stream.destroy(aborted);
        reject(aborted);
      });
    });
    finished.catch(() => undefined);

    const body: PendingUpload = {
      fields,
      get settled() { return settled; },
      async receive(files) {
        if (settled) throw new Error('the upload was already taken');
        settled = true;
        if (!file) {
          await finished;
          return {};
        }
        const stored = await files.put(file.stream);
        try {
          await finished;
        } catch (error) {
          await files.delete(stored.key);
          throw error;
        }
        // Busboy stops at the limit and marks the stream truncated: what was stored is not the whole file.
        if (file.stream.truncated) {
          await files.delete(stored.key);
          return { tooLarge: true };
        }
        return { file: { ...stored, fileName: safeFileName(file.name) } };
      },
      discard() {
        if (settled) return;
        settled = true;
        payload.unpipe(busboy);
        payload.resume();
      },
    };
    const answer = () => {
      if (answered) return;
      answered = true;
      body._csrf = fields._csrf;
      done(null, body);
    };

    busboy.on('field', (name: string, value: string) => { fields[name] = value.replace(/\u0000/g, ''); });
    busboy.on('file', (name: string, stream: FileStream, fileName: string) => {
      if (name !== 'file' || !fileName || file) {
        stream.resume();
        return;
      }
      file = { stream, name: fileName };
      answer();
    });
    busboy.on('error', (error: Error) => {
      if (!answered) {
        answered = true;
        done(error);
      }
    });
    busboy.on('finish', answer);
    payload.pipe(busboy);
  };
}
