import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FileStore } from '../platform/files/index.ts';

// Serving a stored file as HTTP wants it: a strong ETag (the content hash), Last-Modified, conditional GETs
// (304) and single byte ranges (206/416), streamed from the FileStore without buffering.

export interface ServedFile { key: string; size: number; sha256: string; modifiedAt: Date; mediaType: string; fileName: string }

type Range = { start: number; end: number } | 'unsatisfiable' | undefined;

/** One `bytes=` range (the only kind download tools send); anything else is served whole, as RFC 9110 allows. */
export function parseRange(header: string | undefined, size: number): Range {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Sends the file. `countDownload` runs before the body is sent, for a GET that starts at the first byte (what the
 * per-day counter counts), so a count is never lost to a client that reads the page again at once.
 */
export async function sendStoredFile(request: FastifyRequest, reply: FastifyReply, files: FileStore, file: ServedFile, countDownload?: () => Promise<void>): Promise<void> {
  const etag = `"${file.sha256}"`;
  const lastModified = new Date(Math.floor(file.modifiedAt.getTime() / 1000) * 1000);
  reply.header('etag', etag).header('last-modified', lastModified.toUTCString()).header('accept-ranges', 'bytes')
    .header('cache-control', 'public, max-age=300').header('content-type', file.mediaType)
    .header('content-disposition', `attachment; filename="${file.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
  const noneMatch = request.headers['if-none-match'];
  const modifiedSince = request.headers['if-modified-since'];
  if (noneMatch ? noneMatch.split(',').map((s) => s.trim()).includes(etag) || noneMatch.trim() === '*' : modifiedSince && Date.parse(modifiedSince) >= lastModified.getTime()) {
    reply.status(304).send();
    return;
  }
  const ifRange = request.headers['if-range'];
  const rangeApplies = !ifRange || ifRange === etag;
  const range = rangeApplies ? parseRange(request.headers.range, file.size) : undefined;
  if (range === 'unsatisfiable') {
    reply.status(416).header('content-range', `bytes */${file.size}`).send();
    return;
  }
  if (range) {
    reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`).header('content-length', range.end - range.start + 1);
  } else {
    reply.status(200).header('content-length', file.size);
  }
  if (request.method === 'HEAD') {
    reply.send();
    return;
  }
  const body = await files.get(file.key, range);
  if (countDownload && (!range || range.start === 0)) await countDownload();
  reply.send(body);
}
