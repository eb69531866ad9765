import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation } from '../../test/support/factories.ts';
import { uniqueSlug } from '../../test/support/services-factories.ts';
import * as store from './store.ts';

// Browsing the public catalogue by department, alone or with words and a topic; this file's database holds only these.
let t: TestApp;
let marine: { id: string; code: string };
let parks: { id: string; code: string };
before(async () => {
  t = await createTestApp();
  marine = await buildOrganisation(t.db, { name: 'Marine Department' });
  parks = await buildOrganisation(t.db, { name: 'Parks Department' });
  await buildOrganisation(t.db, { name: 'Quiet Department' });
  const add = (organisationId: string, category: string, nameEn: string, status: 'published' | 'draft' = 'published') => store.insertService(t.db, {
    organisation_id: organisationId, slug: uniqueSlug(), category, status, name_en: nameEn, name_zh_hk: `${nameEn}（中文）`, name_zh_cn: `${nameEn}（中文）`,
    summary_en: '', summary_zh_hk: '', summary_zh_cn: '', pledge_working_days: null, contact_email: null, published_at: new Date(),
    search_terms: nameEn.toLowerCase().split(' '),
  });
  await add(marine.id, 'transport', 'Boat licence');
  await add(marine.id, 'transport', 'Mooring permit');
  await add(marine.id, 'recreation', 'Diving permit');
  await add(marine.id, 'transport', 'Ferry pier booking', 'draft');
  await add(parks.id, 'recreation', 'Barbecue site booking');
  await add(parks.id, 'transport', 'Boat launch permit');
});
after(async () => { await t.close(); });

const page = (query: string, lang = 'en') => t.app.inject({ url: `/services${query}`, headers: { accept: 'text/html', cookie: `lang=${lang}` } });
const found = async (query: string) => ((await t.app.inject(`/api/v1/services${query}`)).json().services as { name: { en: string } }[]).map((s) => s.name.en).sort();
const departmentLinks = (html: string) => {
  const nav = /<nav class="secondary-content" aria-labelledby="departments-title">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return [...nav.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => [m[1]!.replace(/&amp;/g, '&'), m[2]!]);
};

describe('browse by department', () => {
  test('lists the departments with their published services counted, each a link that filters the catalogue', async () => {
    const response = await page('');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(departmentLinks(response.body), [
      ['/services', 'All departments'], [`/services?organisation=${marine.id}`, 'Marine Department (3)'], [`/services?organisation=${parks.id}`, 'Parks Department (2)'],
    ], 'drafts are not counted; a department with nothing published is not listed');
    assert.match(response.body, /<option value="" selected>All departments<\/option><option value="[^"]+">Marine Department<\/option><option value="[^"]+">Parks Department<\/option><\/select>/);

    const filtered = await page(`?organisation=${marine.id}`);
    assert.match(filtered.body, /3 services/);
    assert.match(filtered.body, new RegExp(`<a href="/services\\?organisation=${marine.id}" aria-current="page">`));
    assert.match(filtered.body, new RegExp(`<option value="${marine.id}" selected>Marine Department</option>`));
    assert.deepEqual(await found(`?organisation=${parks.id}`), ['Barbecue site booking', 'Boat launch permit']);
  });

  test('combines with words and a topic, and each link keeps the others', async () => {
    assert.deepEqual(await found(`?organisation=${marine.id}&category=transport`), ['Boat licence', 'Mooring permit']);
    assert.deepEqual(await found(`?organisation=${parks.id}&q=boat`), ['Boat launch permit']);
    assert.deepEqual(await found('?q=boat'), ['Boat launch permit', 'Boat licence']);
    const response = await page(`?q=boat&category=transport&organisation=${marine.id}`);
    assert.match(response.body, /1 service</);
    const links = departmentLinks(response.body);
    assert.deepEqual(links[0], ['/services?q=boat&category=transport', 'All departments']);
    assert.deepEqual(links[2], [`/services?q=boat&category=transport&organisation=${parks.id}`, 'Parks Department (2)']);
    assert.match(response.body, new RegExp(`href="/services\\?q=boat&amp;organisation=${marine.id}"[^>]*>All topics`), 'topic links keep the department');
  });

  test('the form sent without JavaScript with "All" chosen (empty values) means any', async () => {
    const response = await page('?q=&category=&organisation=');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /5 services/);
    assert.equal((await t.app.inject('/api/v1/services?organisation=&category=')).json().total, 5);
    assert.deepEqual(await found(`?q=permit&category=&organisation=${parks.id}`), ['Boat launch permit']);
  });

  test('an unknown department finds nothing and says so; a malformed one is a 400, never a 500', async () => {
    const unknown = await page(`?organisation=${randomUUID()}`);
    assert.equal(unknown.statusCode, 200);
    assert.match(unknown.body, /No services found/);
    assert.match(unknown.body, /No department with published services has this address/);
    assert.equal((await t.app.inject(`/api/v1/services?organisation=${randomUUID()}`)).json().total, 0);
    const malformed = await t.app.inject('/api/v1/services?organisation=marine');
    assert.equal(malformed.statusCode, 400);
    assert.ok(malformed.json().errors.some((e: { field: string }) => e.field === 'querystring.organisation'));
    assert.equal((await page('?organisation=marine')).statusCode, 400);
    assert.equal((await t.app.inject('/api/v1/services?category=castles')).statusCode, 400);
  });

  test('in Chinese, departments are named in the page language', async () => {
    const hk = departmentLinks((await page('', 'zh-HK')).body).map(([, text]) => text);
    assert.equal(hk[0], '所有部門');
    assert.deepEqual(hk.slice(1).sort(), [`測試部門 ${marine.code} (3)`, `測試部門 ${parks.code} (2)`].sort());
    const cn = await page(`?organisation=${marine.id}`, 'zh-CN');
    assert.match(cn.body, /按部门浏览/);
    assert.match(cn.body, new RegExp(`测试部门 ${marine.code} \\(3\\)`));
  });

  test('the counts follow publishing at once', async () => {
    const before = departmentLinks((await page('')).body).length;
    const [draft] = await t.db.selectFrom('services').select('id').where('name_en', '=', 'Ferry pier booking').execute();
    await t.db.updateTable('services').set({ status: 'published' }).where('id', '=', draft!.id).execute();
    assert.ok(departmentLinks((await page('')).body).some(([, text]) => text === 'Marine Department (4)'));
    await t.db.updateTable('services').set({ status: 'draft' }).where('id', '=', draft!.id).execute();
    assert.equal(departmentLinks((await page('')).body).length, before);
    assert.ok(departmentLinks((await page('')).body).some(([, text]) => text === 'Marine Department (3)'));
  });
});
