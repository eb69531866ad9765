import type { InjectOptions } from 'fastify';
import { csrfToken, type Client } from './app.ts';
import { multipartBody, type Part } from './multipart.ts';

/** A multipart form as a browser sends it: the CSRF token from `page` first, the other fields, then the file. */
export async function multipartForm(client: Client, page: string, action: string, fields: Record<string, string>, file?: { name: string; content: Buffer | string; type?: string }): Promise<InjectOptions> {
  const token = csrfToken((await client.get(page)).body);
  const parts: Part[] = Object.entries({ _csrf: token, ...fields }).map(([field, value]) => ({ field, value }));
  if (file) parts.push({ field: 'file', file: file.name, content: file.content, type: file.type });
  return { method: 'POST', url: action, ...multipartBody(parts) };
}
