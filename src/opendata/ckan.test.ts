import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation } from '../../test/support/factories.ts';
import { buildDataset, withSampleOpenData } from '../../test/support/opendata-factories.ts';
import { systemContext } from '../platform/context.ts';
import { seedSyntheticDatasets } from './index.ts';
import { AnswerCache } from './ckan/cache.ts';
import { VERSION_READ_MS } from './search-cache.ts';
import { setTimeout as delay } from 'node:timers/promises';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await withSampleOpenData(t);
  await seedSyntheticDatasets(t.db, systemContext('test'), 1200);
});
after(async () => { await t.close(); });

const call = async (url: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}) => {
  const response = await t.app.inject({
    method: init.method ?? 'GET', url,
    ...(init.body === undefined ? {} : { payload: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.statusCode, body: response.json() as { help: string; success: boolean; result: any; error: any } };
};

describe('CKAN Action API v3', () => {
  test('package_search pages to the end of a 1,200-dataset catalogue without repeats', async () => {
    const first = await call('/api/3/action/package_search');
    assert.equal(first.status, 200);
    assert.equal(first.body.success, true);
    assert.match(first.body.help, /help_show\?name=package_search$/);
    assert.equal(first.body.result.results.length, 10, 'rows defaults to 10');
    const total = first.body.result.count;
    assert.equal(total, 1200);
    const seen = new Set<string>();
    for (let start = 0; start < total; start += 1000) {
      const page = await call(`/api/3/action/package_search?rows=1000&start=${start}&sort=name%20asc`);
      for (const p of page.body.result.results) seen.add(p.name);
    }
    assert.equal(seen.size, total);
    const past = await call(`/api/3/action/package_search?rows=10&start=${total}`);
    assert.deepEqual(past.body.result.results, []);
    assert.equal(past.body.result.count, total);
    const capped = await call('/api/3/action/package_search?rows=5000');
    assert.equal(capped.body.result.results.length, 1000, 'rows is capped at 1000');
  });

  test('fq filters by organization, groups, tags and res_format; facets count them', async () => {
    const url = '/api/3/action/package_search?fq=organization:td%20res_format:CSV&facet.field=%5B%22organization%22,%22groups%22,%22res_format%22%5D&rows=1000';
    const found = await call(url);
    assert.equal(found.status, 200);
    assert.ok(found.body.result.count > 1);
    assert.ok(found.body.result.results.every((p: any) => p.organization.name === 'td'));
    assert.equal(found.body.result.facets.organization.td, found.body.result.count);
    assert.equal(found.body.result.search_facets.organization.items[0].name, 'td');
    const unlimited = await call('/api/3/action/package_search?facet.field=%5B%22tags%22%5D&facet.limit=-1&rows=0');
    const allTags = (await call('/api/3/action/tag_list')).body.result;
    assert.equal(Object.keys(unlimited.body.result.facets.tags).length, allTags.length, 'facet.limit=-1 gives every tag');
    const two = await call('/api/3/action/package_search?facet.field=%5B%22tags%22%5D&facet.limit=2&rows=0');
    assert.equal(Object.keys(two.body.result.facets.tags).length, 2);
    assert.deepEqual(unlimited.body.result.results, []);
    const tagged = await call('/api/3/action/package_search?fq=tags:%22car%20park%22');
    assert.deepEqual(tagged.body.result.results.map((p: any) => p.name), ['sample-car-park-vacancy']);
    const grouped = await call('/api/3/action/package_search?fq=groups:environment&q=AQHI');
    assert.equal(grouped.body.result.results[0].name, 'sample-air-quality-health-index');
    assert.equal(grouped.body.result.results[0].groups[0].name, 'environment');
  });

  test('Chinese search: Simplified finds Traditional text and back, and English too', async () => {
    const simplified = await call(`/api/3/action/package_search?q=${encodeURIComponent('停车场')}`);
    assert.equal(simplified.body.result.results[0].name, 'sample-car-park-vacancy');
    const traditional = await call(`/api/3/action/package_search?q=${encodeURIComponent('空氣質素')}`);
    assert.equal(traditional.body.result.results[0].name, 'sample-air-quality-health-index');
    const english = await call('/api/3/action/package_search?q=vacancy');
    assert.equal(english.body.result.results[0].name, 'sample-car-park-vacancy');
    const none = await call(`/api/3/action/package_search?q=${encodeURIComponent('沒有這個詞語xyz')}`);
    assert.equal(none.body.result.count, 0);
  });

  test('language prefixes pick the metadata language; POST with JSON works like GET', async () => {
    const tc = await call('/tc-data/api/3/action/package_show?id=sample-car-park-vacancy');
    assert.equal(tc.body.result.title, '停車場空置車位（樣本）');
    const sc = await call('/sc-data/api/3/action/package_show', { method: 'POST', body: { id: 'sample-car-park-vacancy' } });
    assert.equal(sc.body.result.title, '停车场空置车位（样本）');
    const en = await call('/en-data/api/3/action/package_search', { method: 'POST', body: { q: 'markets', rows: 1 } });
    assert.equal(en.body.result.results[0].title, 'Public markets (sample)');
    const shown = (await call('/api/3/action/package_show?id=sample-car-park-vacancy')).body.result;
    assert.equal(shown.num_resources, 1);
    assert.equal(shown.resources[0].format, 'CSV');
    assert.match(shown.resources[0].url, /\/opendata\/download\/[0-9a-f-]{36}\/car-park-vacancy\.csv$/);
    const byId = await call(`/api/3/action/package_show?id=${shown.id}`);
    assert.equal(byId.body.result.name, 'sample-car-park-vacancy');
    const resource = await call(`/api/3/action/resource_show?id=${shown.resources[0].id}`);
    assert.equal(resource.body.result.package_id, shown.id);
  });

  test('lists: package_list, organization_list/show, group_list/show, tag_list, license_list, status_show', async () => {
    const names = await call('/api/3/action/package_list?limit=3&offset=0');
    assert.equal(names.body.result.length, 3);
    const organisations = await call('/api/3/action/organization_list');
    assert.ok(organisations.body.result.includes('td'));
    const all = await call('/api/3/action/organization_list?all_fields=true');
    assert.ok(all.body.result.find((o: any) => o.name === 'td').package_count > 0);
    const td = await call('/tc-data/api/3/action/organization_show?id=td&include_datasets=true');
    assert.equal(td.body.result.title, '運輸署（樣本）');
    assert.ok(td.body.result.packages.length > 0);
    const groups = await call('/api/3/action/group_list');
    assert.ok(groups.body.result.includes('transport'));
    const transport = await call('/api/3/action/group_show?id=transport');
    assert.equal(transport.body.result.title, 'Transportation');
    const tags = await call('/api/3/action/tag_list');
    assert.ok(tags.body.result.includes('停車場'));
    const licences = await call('/api/3/action/license_list');
    assert.ok(licences.body.result.some((l: any) => l.id === 'hk-dgov-terms'));
    const status = await call('/api/3/action/status_show');
    assert.equal(typeof status.body.result.ckan_version, 'string');
    const help = await call('/api/3/action/help_show?name=package_search');
    assert.match(help.body.result, /rows/);
  });

  test('datastore_search: filters, q, sort, fields, limit and offset', async () => {
    const shown = (await call('/api/3/action/package_show?id=sample-air-quality-health-index')).body.result;
    const id = shown.resources[0].id;
    const all = await call(`/api/3/action/datastore_search?resource_id=${id}`);
    assert.equal(all.body.result.total, 4);
    assert.deepEqual(all.body.result.fields.map((f: any) => f.id), ['_id', 'station', 'station_tc', 'date', 'aqhi', 'risk']);
    assert.equal(typeof all.body.result.records[0].aqhi, 'number');
    const filtered = await call(`/api/3/action/datastore_search?resource_id=${id}&filters=${encodeURIComponent('{"risk":"Moderate"}')}&sort=aqhi%20desc&fields=station,aqhi`);
    assert.equal(filtered.status, 200, JSON.stringify(filtered.body));
    assert.deepEqual(filtered.body.result.records, [{ station: 'Yuen Long', aqhi: 9 }, { station: 'Kwun Tong', aqhi: 8 }]);
    const q = await call(`/api/3/action/datastore_search?resource_id=${id}&q=${encodeURIComponent('观塘')}`);
    assert.equal(q.status, 200, JSON.stringify(q.body));
    assert.equal(q.body.result.records[0].station, 'Kwun Tong', 'a Simplified query finds Traditional text');
    const page = await call('/api/3/action/datastore_search', { method: 'POST', body: { resource_id: id, limit: 2, offset: 2, sort: '_id' } });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.deepEqual(page.body.result.records.map((r: any) => r._id), [3, 4]);
    assert.equal(page.body.result.total, 4);
  });

  test('errors come in CKAN\'s envelope with its status codes', async () => {
    const missing = await call('/api/3/action/package_show?id=no-such-dataset');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.success, false);
    assert.equal(missing.body.error.__type, 'Not Found Error');
    const noId = await call('/api/3/action/package_show');
    assert.equal(noId.status, 409);
    assert.equal(noId.body.error.__type, 'Validation Error');
    assert.deepEqual(noId.body.error.id, ['Missing value']);
    const badRows = await call('/api/3/action/package_search?rows=many');
    assert.equal(badRows.status, 409);
    assert.deepEqual(badRows.body.error.rows, ['Invalid integer']);
    const badSort = await call('/api/3/action/package_search?sort=nonsense%20up');
    assert.equal(badSort.status, 409);
    assert.equal(badSort.body.error.__type, 'Search Query Error');
    const badFq = await call('/api/3/action/package_search?fq=secret:1');
    assert.equal(badFq.status, 409);
    const unknown = await call('/api/3/action/no_such_action');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.__type, 'Bad Request');
    const write = await call('/api/3/action/package_create', { method: 'POST', body: { name: 'x' } });
    assert.equal(write.status, 403);
    assert.equal(write.body.error.__type, 'Authorization Error');
    const badJson = await t.app.inject({ method: 'POST', url: '/api/3/action/package_search', payload: '{not json', headers: { 'content-type': 'application/json' } });
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.json().success, false);
    const badFilters = await call('/api/3/action/datastore_search?resource_id=00000000-0000-4000-8000-000000000000');
    assert.equal(badFilters.status, 404);
    const shown = (await call('/api/3/action/package_show?id=sample-public-markets')).body.result;
    const notAField = await call(`/api/3/action/datastore_search?resource_id=${shown.resources[0].id}&filters=${encodeURIComponent('{"nope":1}')}`);
    assert.equal(notAField.status, 409);
    assert.deepEqual(notAField.body.error.filters, ['field "nope" not in resource']);
    const notJson = await call(`/api/3/action/datastore_search?resource_id=${shown.resources[0].id}&filters=%7Bbad`);
    assert.equal(notJson.status, 409);
  });

  test('package_search runs the same number of SQL statements for 10 rows and 1000', async () => {
    const organisation = await buildOrganisation(t.db);
    await buildDataset(t.db, { organisationId: organisation.id });
    const statements = async (rows: number) => {
      // Past the age of the last catalogue version read, so that even a call answered from kept datasets reads it.
      await delay(VERSION_READ_MS + 20);
      const { default: pg } = await import('pg');
      const original = pg.Client.prototype.query;
      let count = 0;
      pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
        count++;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        // A parameter the action ignores keeps each call out of the answer cache.
        const response = await call(`/api/3/action/package_search?rows=${rows}&facet.field=%5B%22organization%22,%22tags%22%5D&_=${Math.random()}`);
        assert.equal(response.status, 200);
      } finally {
        pg.Client.prototype.query = original;
      }
      return count;
    };
    // The counter sees every statement of the process: background loops (mail delivery polls its outbox every 2 s)
    // can only add to a call's count, so the fewest of a few calls is the call's own. A CI run once counted 2 for 1.
    await statements(10);
    const fewest = async (rows: number) => Math.min(await statements(rows), await statements(rows), await statements(rows));
    const small = await fewest(10);
    const large = await fewest(1000);
    assert.equal(large, small, `${small} statements for 10 rows, ${large} for 1000`);
    assert.ok(small > 0 && small <= 5, `${small} statements`);
  });

  test('answers are cached briefly, and a publisher\'s change shows at once', async () => {
    const organisation = await buildOrganisation(t.db);
    const dataset = await buildDataset(t.db, { organisationId: organisation.id, titleEn: 'Before the change' });
    const first = await call(`/api/3/action/package_show?id=${dataset.name}`);
    const again = await call(`/api/3/action/package_show?id=${dataset.name}`);
    assert.deepEqual(again.body, first.body);
    const { updateDataset } = await import('./dataset.ts');
    const admin = { actor: { kind: 'staff' as const, id: organisation.id, label: 'admin', organisationId: organisation.id, roles: ['platform_admin' as const], sessionId: 's' }, requestId: 'test', locale: 'en' as const };
    await updateDataset(t.db, admin, dataset.id, { titleEn: 'After the change', titleZhHk: '之後', notesEn: '', notesZhHk: '', category: 'transport', tags: [], licence: 'hk-dgov-terms', contactEmail: '', updateFrequency: '', dataDictionaryUrl: '', spatial: false });
    const after = await call(`/api/3/action/package_show?id=${dataset.name}`);
    assert.equal(after.body.result.title, 'After the change');
  });
});

describe('bounded queries and caches', () => {
  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

  test('a 20,000-word q is a 400 in CKAN\'s envelope, by GET and POST, not a 500', async () => {
    for (const answer of [
      await call(`/api/3/action/package_search?q=${encodeURIComponent(words(20_000))}`),
      await call('/api/3/action/package_search', { method: 'POST', body: { q: words(20_000) } }),
      await call('/api/3/action/package_search', { method: 'POST', body: { fq: `tags:${'x'.repeat(20_000)}` } }),
    ]) {
      assert.equal(answer.status, 400);
      assert.equal(answer.body.success, false);
      assert.equal(answer.body.error.__type, 'Bad Request');
      assert.match(answer.body.error.message, /longer than 1000 characters/);
    }
  });

  test('a q of more than 64 words within 1,000 characters is a 400; 64 words are searched', async () => {
    const tooMany = await call(`/api/3/action/package_search?q=${encodeURIComponent(Array.from({ length: 65 }, (_, i) => `w${i}`).join(' '))}`);
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error.__type, 'Bad Request');
    const enough = await call(`/api/3/action/package_search?q=${encodeURIComponent(Array.from({ length: 64 }, (_, i) => `w${i}`).join(' '))}`);
    assert.equal(enough.status, 200);
    assert.equal(enough.body.result.count, 0);
  });

  test('the answer cache counts keys in its byte budget and caps its entries', () => {
    const cache = new AnswerCache(4 * 1024 * 1024, 50);
    const body = Buffer.from('{}');
    for (let i = 0; i < 200; i++) cache.set(`en package_search ${i} ${'q'.repeat(80_000)}`, body);
    assert.ok(cache.bytes <= cache.maxBytes, `${cache.bytes} bytes kept`);
    assert.ok(cache.bytes >= cache.size * 160_000, 'each long key is counted');
    assert.ok(cache.size >= 20 && cache.size <= 26, `${cache.size} entries`);
    for (let i = 0; i < 200; i++) cache.set(`short ${i}`, body);
    assert.equal(cache.size, 50);
    assert.ok(cache.bytes <= cache.maxBytes);
    assert.deepEqual(cache.get('short 199'), body, 'the newest are kept');
    assert.equal(cache.get('short 0'), undefined, 'the oldest went first');
  });
});
