import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { withSampleOpenData } from '../../../test/support/opendata-factories.ts';
import { systemContext } from '../../platform/context.ts';
import { seedSyntheticDatasets } from '../index.ts';
import { packageSearch, packageShow } from './package-actions.ts';
import { PresentedDatasets } from './presented.ts';
import { buildOrganisation } from '../../../test/support/factories.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { VERSION_READ_MS } from '../search-cache.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await withSampleOpenData(t);
  await seedSyntheticDatasets(t.db, systemContext('test'), 300);
});
after(async () => { await t.close(); });

let n = 0;
// An ignored parameter keeps every call out of the answer cache, so what is measured is the presented datasets.
const result = async (path: string) => {
  const response = await t.app.inject({ method: 'GET', url: `/api/3/action/${path}&_=${n++}` });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().result;
};
const direct = async (action: typeof packageShow, params: Record<string, string>) =>
  JSON.parse(JSON.stringify(await action({ db: t.db, params, locale: 'en', baseUrl: t.config.BASE_URL })));

describe('presented datasets kept per catalogue version', () => {
  test('answers from kept datasets are the answers the database gives', async () => {
    for (const path of ['package_search?q=rainfall', 'package_search?q=rainfall&start=10', 'package_search?fq=groups:transport&facet.field=["tags"]',
      'package_search?start=20', 'package_search?fq=groups:transport&sort=name%20asc&rows=25', 'package_search?start=2000', 'package_show?id=synthetic-000007']) {
      // Kept from the second call (second-call.ts): the third is answered from what was kept.
      await result(path);
      await result(path);
      const kept = await result(path);
      const params = Object.fromEntries(new URLSearchParams(path.split('?')[1]));
      assert.deepEqual(kept, await direct(path.startsWith('package_show') ? packageShow : packageSearch, params), path);
    }
  });

  test('a change committed by another process (no word to this one) is in every answer within VERSION_READ_MS', async () => {
    // Past the age of the last version read, the next call reads the version again.
    const readAgain = () => delay(VERSION_READ_MS + 20);
    await result('package_show?id=synthetic-000011');
    const shown = await result('package_show?id=synthetic-000011');
    await result('package_search?q=synthetic&rows=1000');
    await result('package_search?q=synthetic&rows=1000');
    await sql`UPDATE opendata_datasets SET title_en = 'Renamed elsewhere' WHERE name = 'synthetic-000011'`.execute(t.db);
    await readAgain();
    assert.equal((await result('package_show?id=synthetic-000011')).title, 'Renamed elsewhere');
    assert.equal((await result(`package_show?id=${shown.id}`)).title, 'Renamed elsewhere');
    await sql`UPDATE opendata_resources SET name_en = 'Resource renamed elsewhere' WHERE dataset_id = ${shown.id}`.execute(t.db);
    await readAgain();
    assert.equal((await result('package_show?id=synthetic-000011')).resources[0].name, 'Resource renamed elsewhere');
    const found = await result('package_search?q=synthetic&rows=1000');
    const again = found.results.find((d: { id: string }) => d.id === shown.id);
    assert.equal(again.title, 'Renamed elsewhere');
    assert.equal(again.resources[0].name, 'Resource renamed elsewhere');
  });

  test('a kept search\'s summary is sent as the uncached action\'s bytes, in each language and sort spelling', async () => {
    // The sample catalogue has a Chinese tag (停車場): the one two-byte piece of an English answer.
    const facets = `facet.field=${encodeURIComponent('["tags","organization","groups"]')}&facet.limit=-1`;
    for (const [prefix, locale] of [['', 'en'], ['/tc-data', 'zh-HK'], ['/sc-data', 'zh-CN']] as const) {
      for (const sort of ['', '&sort=score%20desc,%20metadata_modified%20desc', '&sort=name%20asc']) {
        const path = `package_search?fq=res_format:CSV&${facets}${sort}`;
        const params = Object.fromEntries(new URLSearchParams(path.split('?')[1]));
        const expected = JSON.stringify({ help: `${t.config.BASE_URL}/api/3/action/help_show?name=package_search`, success: true,
          result: await packageSearch({ db: t.db, params, locale, baseUrl: t.config.BASE_URL }) });
        assert.ok(expected.includes('停車場'), 'a two-byte facet value is in the answer');
        const nextPage = JSON.parse(JSON.stringify(await packageSearch({ db: t.db, params: { ...params, start: '10' }, locale, baseUrl: t.config.BASE_URL })));
        for (let call = 0; call < 3; call++) {
          const first = await t.app.inject({ method: 'GET', url: `${prefix}/api/3/action/${path}&_=${n++}` });
          assert.equal(first.body, expected, `${prefix} ${path}`);
          const second = await t.app.inject({ method: 'GET', url: `${prefix}/api/3/action/${path}&start=10&_=${n++}` });
          assert.deepEqual(second.json().result, nextPage, `${prefix} ${path}, page 2`);
        }
      }
    }
  });

  test('a kept search\'s summary names organisations as a new organisations copy does', async () => {
    const path = `package_search?q=synthetic&facet.field=${encodeURIComponent('["organization"]')}`;
    await result(path);
    const before = await result(path);
    const named = before.search_facets.organization.items[0];
    await sql`UPDATE organisations SET name_en = 'Department Renamed' WHERE lower(code) = ${named.name}`.execute(t.db);
    // A call naming an organisation the copy lacks loads a new copy at once.
    await buildOrganisation(t.db, { code: 'NEWORG' });
    await result('package_search?fq=organization:neworg');
    const after = await result(path);
    assert.equal(after.search_facets.organization.items.find((i: { name: string }) => i.name === named.name).display_name, 'Department Renamed');
    assert.deepEqual(after, await direct(packageSearch, Object.fromEntries(new URLSearchParams(path.split('?')[1]))));
  });

  test('a missing dataset is still CKAN\'s Not Found after others were kept', async () => {
    await result('package_show?id=synthetic-000012');
    const response = await t.app.inject({ method: 'GET', url: '/api/3/action/package_show?id=no-such-dataset' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.__type, 'Not Found Error');
  });
});

test('kept datasets stay within their byte budget and entry cap, and a new organisations copy empties them', () => {
  const kept = new PresentedDatasets(20_000, 5);
  kept.presentedWith('first copy');
  for (let i = 0; i < 50; i++) for (let offered = 0; offered < 2; offered++) kept.offer('en', `d${i}`, 1, 'x'.repeat(1000));
  assert.ok(kept.bytes <= 20_000 && kept.size <= 5, `${kept.bytes} bytes, ${kept.size} entries`);
  assert.ok(kept.has('en', 'd49', 1));
  assert.ok(!kept.has('en', 'd49', 2), 'another version is not held');
  assert.ok(!kept.has('zh-HK', 'd49', 1), 'another language is not held');
  kept.presentedWith('second copy');
  assert.equal(kept.size, 0);
  assert.equal(kept.bytes, 0);
});

test('a dataset is kept from the second time it is offered, as UTF-8 bytes of its own', () => {
  const kept = new PresentedDatasets();
  const json = JSON.stringify({ title: '停車場' });
  assert.equal(kept.offer('en', 'd1', 1, json), json, 'the first time, the text is sent as it is');
  assert.ok(!kept.has('en', 'd1', 1));
  const bytes = kept.offer('en', 'd1', 1, json);
  assert.ok(Buffer.isBuffer(bytes) && bytes.toString() === json && bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length);
  assert.ok(kept.has('en', 'd1', 1));
  assert.ok(Buffer.isBuffer(kept.offer('en', 'd1', 2, json)), 'a held dataset\'s next version is kept at once');
  assert.ok(kept.has('en', 'd1', 2));
});
