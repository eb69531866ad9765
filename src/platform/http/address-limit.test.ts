import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { DomainError } from '../errors.ts';
import { addressLimit } from './address-limit.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('an address past 600 requests a minute gets a 429 problem with Retry-After; other addresses, loopback and health checks do not', async () => {
  const from = (remoteAddress: string, url = '/api/v1/nothing-here') => t.app.inject({ url, remoteAddress, headers: { accept: 'application/json' } });
  for (let i = 0; i < 600; i++) assert.equal((await from('203.0.113.9')).statusCode, 404);
  const refused = await from('203.0.113.9');
  assert.equal(refused.statusCode, 429);
  assert.equal(refused.json().code, 'rate_limited');
  assert.match(refused.json().detail, /Too many requests from this address/);
  const retry = Number(refused.headers['retry-after']);
  assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  const ckan = await from('203.0.113.9', '/api/3/action/package_list');
  assert.equal(ckan.statusCode, 429);
  assert.equal(ckan.json().success, false, 'the CKAN API answers in its own envelope');
  assert.match(ckan.json().error.message, /Too many requests: try again in \d+ seconds/);
  assert.ok(Number(ckan.headers['retry-after']) >= 1);
  const features = await from('203.0.113.9', '/ogc/collections');
  assert.equal(features.statusCode, 429, 'OGC API Features answers in its own envelope too');
  assert.equal(features.json().code, 'TooManyRequests');
  assert.equal((await from('203.0.113.9', '/healthz')).statusCode, 200);
  assert.equal((await from('203.0.113.10')).statusCode, 404);
  assert.equal((await t.app.inject({ url: '/api/v1/nothing-here' })).statusCode, 404, 'loopback is not limited outside production');
});

async function limitedApp(maxAddresses?: number) {
  const app = Fastify();
  app.addHook('onRequest', addressLimit({ max: 2, windowMs: 300, allow: [], ...(maxAddresses ? { maxAddresses } : {}) }));
  app.setErrorHandler((error, _request, reply) => reply.status(error instanceof DomainError ? error.status : 500).send({ code: (error as DomainError).code }));
  app.get('/', async () => ({ ok: true }));
  return app;
}

test('counts start again when the window ends', async () => {
  const app = await limitedApp();
  const ask = () => app.inject({ url: '/', remoteAddress: '198.51.100.1' }).then((r) => r.statusCode);
  assert.deepEqual([await ask(), await ask(), await ask()], [200, 200, 429]);
  await new Promise((resolve) => setTimeout(resolve, 350));
  assert.equal(await ask(), 200);
  await app.close();
});

test('past the number of addresses it counts, new addresses pass uncounted until the window ends (bounded memory)', async () => {
  const app = await limitedApp(2);
  const ask = (address: string) => app.inject({ url: '/', remoteAddress: address }).then((r) => r.statusCode);
  for (const address of ['198.51.100.1', '198.51.100.2']) assert.deepEqual([await ask(address), await ask(address), await ask(address)], [200, 200, 429]);
  assert.deepEqual([await ask('198.51.100.3'), await ask('198.51.100.3'), await ask('198.51.100.3')], [200, 200, 200]);
  await app.close();
});
