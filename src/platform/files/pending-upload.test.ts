import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import Fastify, { type FastifyInstance } from 'fastify';
import { isPendingUpload, LocalDiskFileStore, pendingUploadParser, type ReceivedFile } from './index.ts';

// The pending multipart body on a bare Fastify server: the route decides whether the file is read at all.

let root: string;
let app: FastifyInstance;
let store: LocalDiskFileStore;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pending-'));
  store = new LocalDiskFileStore(root);
  app = Fastify();
  app.addContentTypeParser('multipart/form-data', pendingUploadParser(16));
  app.post('/receive', async (request) => {
    const body = request.body;
    if (!isPendingUpload(body)) throw new Error('not a pending upload');
    const fieldsBefore = { ...body.fields };
    const received: ReceivedFile = await body.receive(store);
    const content = received.file ? await text(await store.get(received.file.key)) : undefined;
    return { fieldsBefore, fieldsAfter: body.fields, csrf: body._csrf, fileName: received.file?.fileName, size: received.file?.size, content, tooLarge: received.tooLarge ?? false };
  });
  // Several file fields, as an application step with more than one file question sends.
  await app.register(async (several) => {
    several.removeContentTypeParser('multipart/form-data');
    several.addContentTypeParser('multipart/form-data', pendingUploadParser(16, { fileFields: (name) => name.startsWith('doc'), maxFiles: 3 }));
    several.post('/several', async (request) => {
      const body = request.body;
      if (!isPendingUpload(body)) throw new Error('not a pending upload');
      const { uploads, tooLargeFields } = await body.receive(store);
      const contents = Object.fromEntries(await Promise.all(Object.entries(uploads).map(async ([field, f]) => [field, await text(await store.get(f.key))])));
      return { contents, tooLargeFields, fields: body.fields };
    });
  });
  app.post('/refuse', async (request, reply) => {
    if (isPendingUpload(request.body)) request.body.discard();
    return reply.code(403).send({ refused: true });
  });
});
after(async () => {
  await app.close();
  await rm(root, { recursive: true, force: true });
});

const boundary = '----pending';
const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const file = (name: string, content: string, field = 'file') => `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\n\r\n${content}\r\n`;
const post = (url: string, ...parts: string[]) =>
  app.inject({ method: 'POST', url, payload: `${parts.join('')}--${boundary}--\r\n`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
const held = async () => (await readdir(root, { recursive: true, withFileTypes: true })).filter((f) => f.isFile()).length;

test('the body holds the fields before the file; receive() stores the file and collects the fields after it', async () => {
  const answer = (await post('/receive', field('_csrf', 'token'), field('name', 'Stops'), file('C:\\data\\stops.csv', 'a,b\n1,2\n'), field('after', 'yes'))).json();
  assert.deepEqual(answer.fieldsBefore, { _csrf: 'token', name: 'Stops' });
  assert.deepEqual(answer.fieldsAfter, { _csrf: 'token', name: 'Stops', after: 'yes' });
  assert.equal(answer.csrf, 'token');
  assert.equal(answer.fileName, 'stops.csv', 'only the last part of a path is kept');
  assert.equal(answer.content, 'a,b\n1,2\n');
});

test('a file over the limit is reported and not kept; a form without a file has none', async () => {
  const before = await held();
  const tooLarge = (await post('/receive', field('_csrf', 't'), file('big.csv', 'x'.repeat(17)))).json();
  assert.equal(tooLarge.tooLarge, true);
  assert.equal(tooLarge.fileName, undefined);
  assert.equal(await held(), before);
  const none = (await post('/receive', field('_csrf', 't'))).json();
  assert.equal(none.fileName, undefined);
  assert.equal(none.tooLarge, false);
});

test('a refused request is answered without its file ever reaching the store', async () => {
  const before = await held();
  const refused = await post('/refuse', field('_csrf', 't'), file('a.csv', 'a,b\n'));
  assert.equal(refused.statusCode, 403);
  assert.equal(await held(), before);
});

test('a body that ends in the middle of its file is a bad request, and nothing of the file is kept', async () => {
  const before = await held();
  const cutBody = `${field('_csrf', 't')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b\n1,`;
  const cut = await app.inject({ method: 'POST', url: '/receive', payload: cutBody, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(cut.statusCode, 400);
  const refused = await app.inject({ method: 'POST', url: '/refuse', payload: cutBody, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(refused.statusCode, 403, 'a refused one is answered as usual (its unread file part failing harms nothing)');
  assert.equal(await held(), before);
});

test('a body that is not multipart at all is a bad request', async () => {
  const response = await app.inject({ method: 'POST', url: '/receive', payload: 'x', headers: { 'content-type': 'multipart/form-data' } });
  assert.equal(response.statusCode, 400);
});

test('with several file fields, each file is stored under its field, fields between them are read, a large one is named', async () => {
  const before = await held();
  const answer = (await post('/several', field('_csrf', 't'), file('a.txt', 'first', 'docA'), field('between', 'yes'), file('b.txt', 'x'.repeat(17), 'docB'), file('c.txt', 'third', 'docC'), file('d.txt', 'not a doc', 'other'))).json();
  assert.deepEqual(answer.contents, { docA: 'first', docC: 'third' });
  assert.deepEqual(answer.tooLargeFields, ['docB']);
  assert.deepEqual(answer.fields, { _csrf: 't', between: 'yes' });
  assert.equal(await held(), before + 2, 'only the two whole files are kept');
});
