import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { withSampleOpenData } from '../../test/support/opendata-factories.ts';
import { STAFF_SESSION_COOKIE } from '../organisations/index.ts';

// The public open data APIs live in a Fastify scope without the pages' cookies, sessions and CSRF check (app.ts): a
// cookie a browser sends along changes nothing, and no answer sets one. Pages keep all of it.

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await withSampleOpenData(t);
});
after(async () => { await t.close(); });

const browserCookies = `${STAFF_SESSION_COOKIE}=not-a-session; lang=zh-HK; lite=1`;

test('a CKAN call with a browser\'s cookies is answered as without them, and sets no cookie: no session is looked up', async () => {
  const plain = await t.app.inject({ url: '/api/3/action/package_show?id=sample-car-park-vacancy' });
  const withCookies = await t.app.inject({ url: '/api/3/action/package_show?id=sample-car-park-vacancy', headers: { cookie: browserCookies } });
  assert.equal(withCookies.statusCode, 200);
  assert.equal(withCookies.body, plain.body, 'the language cookie does not pick the metadata language: the path does');
  assert.equal(withCookies.headers['set-cookie'], undefined);
  assert.equal(withCookies.headers['x-content-type-options'], 'nosniff');
  assert.match(withCookies.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
});

test('a form-encoded CKAN POST needs no CSRF token even with a session cookie (the API reads no session), and a bad one is CKAN\'s 400', async () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded', cookie: browserCookies };
  const shown = await t.app.inject({ method: 'POST', url: '/api/3/action/package_show', headers: form, payload: 'id=sample-car-park-vacancy' });
  assert.equal(shown.statusCode, 200);
  assert.equal(shown.json().result.name, 'sample-car-park-vacancy');
  const missing = await t.app.inject({ method: 'POST', url: '/api/3/action/package_show', headers: form, payload: 'id=' });
  assert.equal(missing.statusCode, 409);
  assert.equal(missing.json().success, false);
  assert.equal(missing.json().error.__type, 'Validation Error');
});

test('OGC API Features, the data filter and the historical archive ignore cookies too; their errors keep their own envelopes', async () => {
  for (const url of ['/ogc/collections', '/v2/filter', '/v1/historical-archive/list-files']) {
    const response = await t.app.inject({ url, headers: { cookie: browserCookies, accept: 'text/html' } });
    assert.notEqual(response.statusCode, 500, url);
    assert.match(response.headers['content-type'] as string, /^application\/json/, url);
    assert.equal(response.headers['set-cookie'], undefined, url);
    assert.equal(response.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'", url);
  }
});

test('pages keep the whole set: a form POST without its CSRF token is refused, and the language cookie picks the language', async () => {
  const refused = await t.app.inject({ method: 'POST', url: '/console/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: 'email=a%40b.example&password=x' });
  assert.equal(refused.statusCode, 403);
  const page = await t.app.inject({ url: '/opendata', headers: { cookie: 'lang=zh-HK', accept: 'text/html' } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<html lang="zh-HK"/);
});
