import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { LocalDiskFileStore } from '../platform/files/index.ts';
import { parseRange, sendStoredFile } from './download.ts';

test('byte ranges as download tools send them', () => {
  assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=900-', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=990-5000', 1000), { start: 990, end: 999 });
  assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,5-9', 1000), undefined, 'several ranges: the whole file is sent');
  assert.equal(parseRange('items=0-1', 1000), undefined);
  assert.equal(parseRange(undefined, 1000), undefined);
});

test('a satisfiable range always lies inside the file', () => {
  fc.assert(fc.property(fc.nat(10_000), fc.nat(10_000), fc.integer({ min: 1, max: 10_000 }), (a, b, size) => {
    const range = parseRange(`bytes=${a}-${b}`, size);
    if (range === undefined || range === 'unsatisfiable') return true;
    return range.start >= 0 && range.start <= range.end && range.end < size;
  }));
});

describe('over a real socket, through Fastify', () => {
  let root: string;
  let app: FastifyInstance;
  let base: string;
  const logged: { level: number; msg: string }[] = [];
  const counted: string[] = [];
  const content = randomBytes(5 * 1024 * 1024 + 321);
  const sha = createHash('sha256').update(content).digest('hex');
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'download-'));
    const files = new LocalDiskFileStore(root);
    const { key } = await files.put(Readable.from([content]));
    // Info, for Fastify tells a stream that closed before its end only at that level.
    app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => void logged.push(JSON.parse(line)) } } });
    // As the application's onSend hook does: headers added after the handler must still be sent.
    app.addHook('onSend', async (request, reply) => void reply.header('x-request-id', request.id));
    app.get('/file', async (request, reply) => {
      await sendStoredFile(request, reply, files, { key, size: content.length, sha256: sha, modifiedAt: new Date('2026-01-02T03:04:05Z'), mediaType: 'application/octet-stream', fileName: 'data.bin' }, async () => void counted.push(request.headers.range ?? 'whole'));
      return reply;
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    logged.length = 0;
  });
  after(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  test('a file of several chunks arrives whole, by range and not at all when unchanged; each full download counts once', async () => {
    for (let i = 0; i < 2; i++) {
      const whole = await fetch(`${base}/file`);
      assert.equal(whole.status, 200);
      assert.equal(whole.headers.get('etag'), `"${sha}"`);
      assert.ok(whole.headers.get('x-request-id'));
      assert.ok(Buffer.from(await whole.arrayBuffer()).equals(content));
    }
    const range = await fetch(`${base}/file`, { headers: { range: 'bytes=1048570-2097160' } });
    assert.equal(range.status, 206);
    assert.equal(range.headers.get('content-range'), `bytes 1048570-2097160/${content.length}`);
    assert.ok(Buffer.from(await range.arrayBuffer()).equals(content.subarray(1048570, 2097161)));
    const unchanged = await fetch(`${base}/file`, { headers: { 'if-none-match': `"${sha}"` } });
    assert.equal(unchanged.status, 304);
    assert.deepEqual(counted, ['whole', 'whole']);
    assert.deepEqual(logged.map((l) => l.msg).filter((m) => !['incoming request', 'request completed'].includes(m)), [], 'no stream closed early, no error logged');
  });
});
