import type { InjectOptions } from 'fastify';
import { csrfToken, type Client } from './app.ts';

/** A multipart form as a browser sends it: the CSRF token from `page` first, the other fields, then the file. */
export async function multipartForm(client: Client, page: string, action: string, fields: Record<string, string>, file?: { name: string; content: Buffer | string; type?: string }): Promise<InjectOptions> {
  const token = csrfToken((await client.get(page)).body);
  const boundary = '----smartgovtest';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries({ _csrf: token, ...fields })) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { method: 'POST', url: action, payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
