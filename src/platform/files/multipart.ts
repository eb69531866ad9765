import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { FileStore, StoredFile } from './file-store.ts';
import { safeFileName } from './pending-upload.ts';

// Multipart uploads for no-JavaScript forms (application attachments; open data uploads use pending-upload.ts, which
// reads the file only once the request is authorised). The body is parsed here, as a content-type parser,
// so that the CSRF token (a form field) is read before the route runs like any other form's; the file itself is
// streamed straight into the FileStore, never held in memory. A refused upload is deleted by the route.

/** A file as the person sent it, stored: its key, size and hash, and the name they gave it. */
export interface UploadedFile extends StoredFile { fileName: string }

export interface UploadBody {
  fields: Record<string, string>;
  file?: UploadedFile;
  fileTooLarge?: boolean;
  /** Every stored file by its form field name (with `fileFields`, several fields may carry files). */
  uploads: Record<string, UploadedFile>;
  /** Field names whose file passed the size limit (nothing of them is kept). */
  tooLarge: string[];
  _csrf?: string;
}

export interface MultipartOptions {
  /** Which form fields may carry a file; by default only `file`. */
  fileFields?: (name: string) => boolean;
  maxFiles?: number;
}

export function multipartParser(files: FileStore, maxBytes: number, options: MultipartOptions = {}) {
  const isFileField = options.fileFields ?? ((name: string) => name === 'file');
  return (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: UploadBody) => void) => {
    const fields: Record<string, string> = {};
    const stored: Promise<{ name: string; file?: UploadedFile; tooLarge?: boolean }>[] = [];
    const seen = new Set<string>();
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = new Busboy({ headers: request.headers as never, limits: { files: options.maxFiles ?? 1, fields: 40, fieldSize: 100_000, fileSize: maxBytes } });
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }));
      return;
    }
    busboy.on('field', (name: string, value: string) => { fields[name] = value.replace(/\u0000/g, ''); });
    busboy.on('file', (name: string, stream: NodeJS.ReadableStream & { truncated?: boolean }, fileName: string) => {
      // One file per field: a second one under the same name is not read (nothing would keep track of it).
      if (!isFileField(name) || !fileName || seen.has(name)) {
        stream.resume();
        return;
      }
      seen.add(name);
      stored.push(files.put(stream as never).then(async (file) => {
        // Busboy stops at the limit and marks the stream truncated: what was stored is not the whole file.
        if (stream.truncated) {
          await files.delete(file.key);
          return { name, tooLarge: true };
        }
        return { name, file: { ...file, fileName: safeFileName(fileName) } };
      }));
    });
    busboy.on('error', (error: Error) => done(Object.assign(error, { statusCode: 400 })));
    busboy.on('finish', () => {
      Promise.allSettled(stored).then(async (settled) => {
        const results = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) {
          // One file failed to store: keep none of them.
          await Promise.all(results.flatMap((r) => (r.file ? [files.delete(r.file.key)] : [])));
          return done(failed.reason as Error);
        }
        const uploads = Object.fromEntries(results.flatMap((r) => (r.file ? [[r.name, r.file]] : [])));
        const tooLarge = results.filter((r) => r.tooLarge).map((r) => r.name);
        done(null, {
          fields, _csrf: fields._csrf, uploads, tooLarge,
          ...(uploads.file ? { file: uploads.file } : {}), ...(tooLarge.includes('file') ? { fileTooLarge: true } : {}),
        });
      }, (error: Error) => done(error));
    });
    payload.pipe(busboy);
  };
}
