import { Busboy } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { FileStore, StoredFile } from './file-store.ts';

// Multipart uploads for no-JavaScript forms (open data resources, application attachments). The body is parsed here, as a content-type parser,
// so that the CSRF token (a form field) is read before the route runs like any other form's; the file itself is
// streamed straight into the FileStore, never held in memory. A refused upload is deleted by the route.

/** A file as the person sent it, stored: its key, size and hash, and the name they gave it. */
export interface UploadedFile extends StoredFile { fileName: string }

export interface UploadBody {
  fields: Record<string, string>;
  file?: UploadedFile;
  fileTooLarge?: boolean;
  _csrf?: string;
}

const safeFileName = (name: string) => (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f]/g, '').slice(0, 200) || 'file';

export function multipartParser(files: FileStore, maxBytes: number) {
  return (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: UploadBody) => void) => {
    const fields: Record<string, string> = {};
    let upload: Promise<{ file?: UploadedFile; tooLarge?: boolean }> = Promise.resolve({});
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = new Busboy({ headers: request.headers as never, limits: { files: 1, fields: 40, fieldSize: 100_000, fileSize: maxBytes } });
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }));
      return;
    }
    busboy.on('field', (name: string, value: string) => { fields[name] = value.replace(/\u0000/g, ''); });
    busboy.on('file', (name: string, stream: NodeJS.ReadableStream & { truncated?: boolean }, fileName: string) => {
      if (name !== 'file' || !fileName) {
        stream.resume();
        return;
      }
      upload = files.put(stream as never).then(async (stored) => {
        // Busboy stops at the limit and marks the stream truncated: what was stored is not the whole file.
        if (stream.truncated) {
          await files.delete(stored.key);
          return { tooLarge: true };
        }
        return { file: { ...stored, fileName: safeFileName(fileName) } };
      });
    });
    busboy.on('error', (error: Error) => done(Object.assign(error, { statusCode: 400 })));
    busboy.on('finish', () => {
      upload.then(
        (result) => done(null, { fields, _csrf: fields._csrf, ...(result.file ? { file: result.file } : {}), ...(result.tooLarge ? { fileTooLarge: true } : {}) }),
        (error: Error) => done(error),
      );
    });
    payload.pipe(busboy);
  };
}
