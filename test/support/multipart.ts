import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Client } from './app.ts';

// Multipart bodies as browsers send them, for any upload form; and bodies that are never finished, to show that a
// server refuses a request before reading (or storing) its file.

/** A form field, or a file under a field name, in the order the page has them. */
export type Part = { field: string; value: string } | { field: string; file: string; content: Buffer | string; type?: string };

const head = (boundary: string, part: Part) => Buffer.from('file' in part
  ? `--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"; filename="${part.file}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`
  : `--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"\r\n\r\n`);
const content = (part: Part) => ('file' in part ? (Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content)) : Buffer.from(part.value));
const whole = (boundary: string, part: Part) => Buffer.concat([head(boundary, part), content(part), Buffer.from('\r\n')]);

/** A whole multipart body with its parts in the given order: the payload and content-type of an inject() request. */
export function multipartBody(parts: Part[]): { payload: Buffer; headers: { 'content-type': string } } {
  const boundary = `----smartgov${randomUUID()}`;
  return {
    payload: Buffer.concat([...parts.map((part) => whole(boundary, part)), Buffer.from(`--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * POSTs `parts` to `url` (a listening server's address and path) with the client's cookies, the last part begun and
 * never finished, nor the body: only a server that answers before reading that part can answer. The caller destroys
 * the request when done.
 */
export function halfSendMultipart(url: string, client: Client, parts: Part[]): { request: http.ClientRequest; answered: Promise<http.IncomingMessage> } {
  const boundary = `----unfinished${randomUUID()}`;
  const request = http.request(url, {
    method: 'POST',
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html', 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => { request.on('response', resolve); request.on('error', reject); });
  const last = parts.at(-1)!;
  request.write(Buffer.concat([...parts.slice(0, -1).map((part) => whole(boundary, part)), head(boundary, last), content(last)]));
  return { request, answered };
}
