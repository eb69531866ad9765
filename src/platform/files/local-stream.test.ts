import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import { LocalDiskFileStore, type ByteRange } from './index.ts';

// The local store's stream copies into HTTP responses through reused buffers: what must hold however it is read.

const MiB = 1024 * 1024;
/** Random bytes, so that a chunk sent twice or out of place changes the hash (a pattern may repeat at a chunk's length). */
const content = (size: number) => randomBytes(size);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let root: string;
let store: LocalDiskFileStore;
let server: http.Server;
let base: string;
/** Each stream the server sent and where, so a test can wait for it to close its file or to back up. */
const sent: Readable[] = [];
const responses: http.ServerResponse[] = [];

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'local-stream-'));
  store = new LocalDiskFileStore(root);
  // A bare server: ?key=…&start=…&end=…&length=… pipes the stored file (or a range) into the response as Fastify does.
  server = http.createServer(async (request, response) => {
    const query = new URL(request.url!, 'http://x').searchParams;
    const range: ByteRange | undefined = query.has('start') ? { start: Number(query.get('start')), end: Number(query.get('end')) } : undefined;
    const body = await store.get(query.get('key')!, range);
    if (query.has('truncateTo')) await truncate(path.join(root, query.get('key')!), Number(query.get('truncateTo')));
    sent.push(body);
    responses.push(response);
    response.setHeader('content-length', query.get('length')!);
    body.once('error', () => response.destroy());
    body.pipe(response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await rm(root, { recursive: true, force: true });
});

const address = (query: Record<string, string | number>) => `${base}/?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`;
const download = async (query: Record<string, string | number>) => {
  const response = await fetch(address(query));
  return Buffer.from(await response.arrayBuffer());
};

/** A reader that stops until the server's socket is full and its latest write still holds a buffer, then reads all. */
const stallingDownload = (query: Record<string, string | number>) => new Promise<Buffer>((resolve, reject) => {
  const count = responses.length;
  http.get(address(query), async (response) => {
    response.pause();
    while (!responses[count]?.writableLength && !responses[count]?.writableFinished) await setImmediate();
    buffer(response).then(resolve, reject);
  }).once('error', reject);
});

test('into a response, files of many chunks arrive whole, several at once and by range across chunks', async () => {
  const files = [content(24 * MiB + 123), content(3 * MiB + 7), content(10)];
  const keys = await Promise.all(files.map(async (file) => (await store.put(Readable.from([file]))).key));
  for (let round = 0; round < 2; round++) {
    const got = await Promise.all(files.map((file, i) => (i === 0 ? stallingDownload : download)({ key: keys[i]!, length: file.length })));
    got.forEach((bytes, i) => assert.equal(sha256(bytes), sha256(files[i]!), `file ${i}, round ${round}`));
  }
  const range = { start: MiB - 5, end: 3 * MiB + 5 };
  const part = await download({ key: keys[0]!, ...range, length: range.end - range.start + 1 });
  assert.ok(part.equals(files[0]!.subarray(range.start, range.end + 1)));
});

test('into any other writable, each chunk is a buffer of its own (a writable may keep what it is given)', async () => {
  const file = content(3 * MiB + 1);
  const { key } = await store.put(Readable.from([file]));
  const kept: Buffer[] = [];
  const keeper = new Writable({ write(chunk: Buffer, _encoding, done) { kept.push(chunk); done(); } });
  (await store.get(key)).pipe(keeper);
  await once(keeper, 'finish');
  assert.ok(kept.length > 1);
  assert.ok(Buffer.concat(kept).equals(file));
  assert.ok((await buffer(await store.get(key, { start: 2, end: 2 * MiB }))).equals(file.subarray(2, 2 * MiB + 1)));
  assert.ok((await buffer(await store.get(key, { start: 3 * MiB - 1, end: 4 * MiB }))).equals(file.subarray(3 * MiB - 1)), 'a range past the end stops at the end');
  assert.equal((await buffer(await store.get(key, { start: 4 * MiB, end: 5 * MiB }))).length, 0);
});

test('a reader that leaves mid-file: the stream closes its file, and the next download is whole', async () => {
  const file = content(16 * MiB);
  const { key } = await store.put(Readable.from([file]));
  const count = sent.length;
  await new Promise<void>((resolve, reject) => {
    http.get(`${base}/?key=${key}&length=${file.length}`, (response) => {
      response.once('data', () => { response.destroy(); resolve(); });
    }).once('error', reject);
  });
  const stream = sent[count]!;
  if (!stream.closed) await once(stream, 'close');
  assert.equal(stream.readableEnded, false, 'not read to the end');
  assert.equal(sha256(await download({ key, length: file.length })), sha256(file));
});

test('a file cut short while it is sent aborts the reply rather than leave the reader waiting', async () => {
  const file = content(3 * MiB);
  const { key } = await store.put(Readable.from([file]));
  const reply = new Promise<Buffer>((resolve, reject) => {
    http.get(address({ key, length: file.length, truncateTo: 2 * MiB }), (response) => {
      buffer(response).then(resolve, reject);
    }).once('error', reject);
  });
  await assert.rejects(reply);
});
