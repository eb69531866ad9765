import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signInStaff, type Client, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff, signedInStaff } from '../../test/support/factories.ts';
import { buildCatalogue, uniqueSlug } from '../../test/support/services-factories.ts';
import { buildPaymentItem } from '../../test/support/payments-factories.ts';

let t: TestApp;
let admin: Client;
let organisationId: string;
before(async () => {
  t = await createTestApp();
  organisationId = (await buildOrganisation(t.db)).id;
  admin = await signedInStaff(t, organisationId, ['organisation_admin']);
});
after(async () => { await t.close(); });

const licence = (slug: string) => ({
  slug, category: 'transport', nameEn: 'Renew a boat licence', nameZhHk: '續期船隻牌照', summaryEn: 'Renew the licence of a pleasure vessel.',
  summaryZhHk: '續期遊樂船隻的牌照。', pledgeWorkingDays: 7,
});

describe('departments publish services', () => {
  test('an organisation admin creates a draft, publishes it, and the public finds it in three languages', async () => {
    const slug = uniqueSlug('boat');
    const item = await buildPaymentItem(t.db, { organisationId, amountCents: 12_300 });
    const foreignItem = await buildPaymentItem(t.db);
    assert.equal((await admin.json('POST', '/api/v1/services', { ...licence(slug), feeItemId: foreignItem.id })).statusCode, 400, "another organisation's payment item");
    const created = await admin.json('POST', '/api/v1/services', { ...licence(slug), feeItemId: item.id });
    assert.equal(created.statusCode, 201);
    const service = created.json();
    assert.equal(service.status, 'draft');
    assert.equal(service.name['zh-CN'], '续期船只牌照');
    assert.equal((await t.app.inject(`/api/v1/services/${slug}`)).statusCode, 404, 'drafts are not public');

    const form = await admin.get(`/console/services/${service.id}`);
    assert.equal(form.statusCode, 200);
    const published = await admin.submit(`/console/services/${service.id}`, `/console/services/${service.id}/publish`, { version: '1' });
    assert.equal(published.statusCode, 303);

    for (const q of ['boat licence', '船隻牌照', '船只', 'BOAT']) {
      const found = await t.app.inject(`/api/v1/services?q=${encodeURIComponent(q)}`);
      assert.equal(found.statusCode, 200);
      assert.ok(found.json().services.some((s: { slug: string }) => s.slug === slug), `"${q}" finds the service`);
    }
    const page = await t.app.inject({ url: `/services/${slug}`, headers: { accept: 'text/html', cookie: 'lang=zh-HK' } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /續期船隻牌照/);
    assert.match(page.body, /港幣 123\.00 元/);
    assert.match(page.body, /7 個工作天/);
  });

  test('an edit from a stale version is refused, and the editor is told why', async () => {
    const service = (await admin.json('POST', '/api/v1/services', licence(uniqueSlug()))).json();
    const first = await admin.request({ method: 'PUT', url: `/api/v1/services/${service.id}`, payload: JSON.stringify({ ...licence(service.slug), nameEn: 'First edit' }), headers: { 'content-type': 'application/json', 'if-match': '"1"', accept: 'application/json' } });
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().version, 2);
    const stale = await admin.request({ method: 'PUT', url: `/api/v1/services/${service.id}`, payload: JSON.stringify({ ...licence(service.slug), nameEn: 'Second edit' }), headers: { 'content-type': 'application/json', 'if-match': '"1"', accept: 'application/json' } });
    assert.equal(stale.statusCode, 409);
    const staleForm = await admin.submit(`/console/services/${service.id}`, `/console/services/${service.id}`, { ...stringify(licence(service.slug)), version: '1' });
    assert.equal(staleForm.statusCode, 409);
    assert.match(staleForm.body, /Someone else changed this service/);
  });

  test('the console form names every bad field in an error summary, and keeps what was typed', async () => {
    const response = await admin.submit('/console/services/new', '/console/services/new', { slug: 'Bad Slug', category: 'castles', nameEn: 'Kept text', nameZhHk: '', feeItemId: 'ten dollars', pledgeWorkingDays: '0' });
    assert.equal(response.statusCode, 400);
    for (const field of ['slug', 'category', 'nameZhHk', 'feeItemId', 'pledgeWorkingDays']) assert.match(response.body, new RegExp(`href="#field-${field}"`), field);
    assert.match(response.body, /value="Kept text"/);
    const good = await admin.submit('/console/services/new', '/console/services/new', stringify(licence(uniqueSlug())));
    assert.equal(good.statusCode, 303);
    const taken = await admin.submit('/console/services/new', '/console/services/new', stringify(licence('renew-boat-taken')));
    assert.equal(taken.statusCode, 303);
    const duplicate = await admin.submit('/console/services/new', '/console/services/new', stringify(licence('renew-boat-taken')));
    assert.equal(duplicate.statusCode, 400);
    assert.match(duplicate.body, /is taken by another service/);
  });

  test("another department's service is not found, and officers cannot edit", async () => {
    const service = (await admin.json('POST', '/api/v1/services', licence(uniqueSlug()))).json();
    const outsider = await buildStaff(t.db, { roles: ['organisation_admin'] });
    const other = await signInStaff(t.app, outsider.email, outsider.password);
    assert.equal((await other.get(`/console/services/${service.id}`)).statusCode, 404);
    const put = await other.request({ method: 'PUT', url: `/api/v1/services/${service.id}`, payload: JSON.stringify(licence(service.slug)), headers: { 'content-type': 'application/json', 'if-match': '1', accept: 'application/json' } });
    assert.equal(put.statusCode, 404);
    assert.equal((await other.submit('/console/services', `/console/services/${service.id}/publish`, { version: '1' })).statusCode, 404);
    const officer = await buildStaff(t.db, { organisationId, roles: ['officer'] });
    const officerClient = await signInStaff(t.app, officer.email, officer.password);
    assert.equal((await officerClient.get('/console/services')).statusCode, 200);
    assert.equal((await officerClient.json('POST', '/api/v1/services', licence(uniqueSlug()))).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/services', payload: licence(uniqueSlug()) })).statusCode, 401);
  });
});

describe('the public catalogue', () => {
  test('pages through a large catalogue to the end, filtered by topic', async () => {
    await buildCatalogue(t.db, 240);
    const all = (await t.app.inject('/api/v1/services?category=transport&limit=100')).json();
    assert.ok(all.total >= 20);
    const seen = new Set<string>();
    for (let offset = 0; offset < all.total; offset += 7) {
      const page = (await t.app.inject(`/api/v1/services?category=transport&limit=7&offset=${offset}`)).json();
      for (const s of page.services) seen.add(s.slug);
    }
    assert.equal(seen.size, all.total);
    const html = await t.app.inject({ url: '/services?category=transport&limit=5', headers: { accept: 'text/html' } });
    assert.match(html.body, /rel="next"/);
  });

  test('bad queries get clear answers', async () => {
    assert.equal((await t.app.inject('/api/v1/services?limit=1000')).statusCode, 400);
    assert.equal((await t.app.inject('/api/v1/services?category=castles')).statusCode, 400);
    assert.equal((await t.app.inject('/api/v1/services?q=%EF%BC%8C%E3%80%82')).json().total, 0, 'punctuation matches nothing');
    assert.equal((await t.app.inject('/api/v1/services/No_Such')).statusCode, 400);
    assert.equal((await t.app.inject('/api/v1/services/no-such-service')).statusCode, 404);
    const page = await t.app.inject({ url: '/services?q=zzzzqqq', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /No services found/);
  });
});

function stringify(input: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v)]));
}
