import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestAppBehindProxy, type TestAppBehindProxy } from '../../../test/support/app.ts';

// The open data APIs with a database that really cannot be reached (the app runs through a TCP proxy, which is cut): scripts
// get CKAN's envelope with 503 and Retry-After, never a 500, and the same calls work again once it is back.

let t: TestAppBehindProxy;
before(async () => { t = await createTestAppBehindProxy({ OPENDATA_CACHE: 'false' }); });
after(async () => { await t.close(); });

test('a database out of reach: 503 with Retry-After in CKAN\'s envelope and the other APIs\' own, never a 500, then answers again', async () => {
  const calls = ['/api/3/action/package_list', '/api/3/action/package_show?id=anything', '/tc-data/api/3/action/package_search?q=rainfall', '/api/3/action/organization_list'];
  await t.proxy.cut();
  for (const url of calls) {
    const response = await t.app.inject({ url });
    assert.equal(response.statusCode, 503, url);
    assert.ok(Number(response.headers['retry-after']) >= 1, `${url}: Retry-After`);
    const body = response.json();
    assert.equal(body.success, false, url);
    assert.equal(body.error.__type, 'Internal Error', url);
    assert.match(body.error.message, /cannot be reached for a moment: try again in \d+ seconds/, url);
  }
  // The other open data APIs, each in its own envelope.
  const filter = `/v2/filter?q=${encodeURIComponent(JSON.stringify({ resource: 'http://localhost/opendata/download/00000000-0000-0000-0000-000000000000/x.csv', section: 1, format: 'json' }))}`;
  for (const [url, message] of [
    ['/ogc/collections', (b: { description: string }) => b.description],
    [filter, (b: { error: string }) => b.error],
    ['/v1/historical-archive/list-files?start=20260101&end=20261231', (b: { message: string }[]) => b[0]!.message],
  ] as const) {
    const response = await t.app.inject({ url });
    assert.equal(response.statusCode, 503, url);
    assert.ok(Number(response.headers['retry-after']) >= 1, `${url}: Retry-After`);
    assert.match((message as (b: unknown) => string)(response.json()), /cannot be reached for a moment/, url);
  }
  await t.proxy.restore();
  for (const url of calls.slice(0, 1)) assert.equal((await t.app.inject({ url })).statusCode, 200, `${url} after the outage`);
});
