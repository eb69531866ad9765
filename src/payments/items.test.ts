import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';
import { auditCount, buildPaymentItem, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL }); });
after(async () => { await t.close(); });

const item = { nameEn: 'Driving licence renewal', nameZhHk: '續領駕駛執照', amountCents: 90_000, revenueCode: 'TD-DL-01' };

describe('payment items API', () => {
  test('an organisation admin defines an item for their department, audited; Simplified Chinese is converted', async () => {
    const admin = await buildStaff(t.db, { roles: ['organisation_admin'] });
    const client = await signInStaff(t.app, admin.email, admin.password);
    const created = await client.json('POST', '/api/v1/payment-items', item);
    assert.equal(created.statusCode, 201);
    const body = created.json();
    assert.equal(body.organisationId, admin.organisation_id);
    assert.equal(body.name['zh-CN'], '续领驾驶执照');
    assert.equal(await auditCount(t.db, 'payment_item.created', body.id), 1);
    const list = await client.json('GET', '/api/v1/payment-items');
    assert.deepEqual(list.json().items.map((i: { id: string }) => i.id), [body.id]);
    assert.equal((await client.json('GET', `/api/v1/payment-items/${body.id}`)).json().amountCents, 90_000);
  });

  test('bad input names each field', async () => {
    const admin = await buildStaff(t.db, { roles: ['organisation_admin'] });
    const client = await signInStaff(t.app, admin.email, admin.password);
    const bad = await client.json('POST', '/api/v1/payment-items', { ...item, amountCents: 0, revenueCode: 'lower case' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().errors.map((e: { field: string }) => e.field).sort(), ['body.amountCents', 'body.revenueCode']);
  });

  test('officers cannot define items; visitors must sign in', async () => {
    const officer = await buildStaff(t.db, { roles: ['officer'] });
    const client = await signInStaff(t.app, officer.email, officer.password);
    assert.equal((await client.json('POST', '/api/v1/payment-items', item)).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/payment-items' })).statusCode, 401);
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/payment-items', payload: item })).statusCode, 401);
  });

  test("another organisation's item is answered exactly like one that does not exist", async () => {
    const theirs = await buildPaymentItem(t.db);
    const staff = await buildStaff(t.db, { organisationId: (await buildOrganisation(t.db)).id });
    const client = await signInStaff(t.app, staff.email, staff.password);
    const foreign = await client.json('GET', `/api/v1/payment-items/${theirs.id}`);
    const missing = await client.json('GET', '/api/v1/payment-items/00000000-0000-4000-8000-000000000000');
    assert.equal(foreign.statusCode, 404);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    assert.deepEqual(strip(foreign.json()), strip(missing.json()));
    assert.deepEqual((await client.json('GET', '/api/v1/payment-items')).json().items, []);
  });
});

describe('payment items in the console', () => {
  test('an admin adds an item with the form; bad input gets an error summary', async () => {
    const admin = await buildStaff(t.db, { roles: ['organisation_admin'] });
    const client = await signInStaff(t.app, admin.email, admin.password);
    const bad = await client.submit('/console/payment-items', '/console/payment-items', { nameEn: '', nameZhHk: '牌照', amount: '12.345', revenueCode: 'x' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /class="error-summary"/);
    for (const field of ['nameEn', 'amount', 'revenueCode']) assert.match(bad.body, new RegExp(`href="#field-${field}"`));
    const good = await client.submit('/console/payment-items', '/console/payment-items', { nameEn: 'Food licence', nameZhHk: '食物牌照', amount: '320.5', revenueCode: 'fehd-01' });
    assert.equal(good.statusCode, 303);
    const page = await client.get('/console/payment-items');
    assert.match(page.body, /Food licence/);
    assert.match(page.body, /HK\$320\.50/);
    assert.match(page.body, /FEHD-01/);
    const zh = await client.get('/console/payment-items?lang=zh-HK');
    assert.match(zh.body, /食物牌照/);
  });

  test('officers see the list without the form; a form without its CSRF token is refused; visitors are sent to sign in', async () => {
    const officer = await buildStaff(t.db, { roles: ['officer'] });
    const client = await signInStaff(t.app, officer.email, officer.password);
    const page = await client.get('/console/payment-items');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /action="\/console\/payment-items"/);
    const refused = await client.request({ method: 'POST', url: '/console/payment-items', payload: 'nameEn=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(refused.statusCode, 403);
    const visitor = await new Client(t.app).get('/console/payment-items');
    assert.equal(visitor.statusCode, 303);
  });
});

describe('sample payment items', () => {
  test('are added once, after the sample organisations, with a bill to pay', async () => {
    const { createTestDatabase } = await import('../../test/support/database.ts');
    const { seedOrganisations } = await import('../organisations/index.ts');
    const { seedPayments } = await import('./index.ts');
    const { systemContext } = await import('../platform/context.ts');
    const fresh = await createTestDatabase();
    try {
      const ctx = systemContext('test');
      assert.equal(await seedPayments(fresh.db, ctx), undefined, 'no organisations yet: nothing to add');
      await seedOrganisations(fresh.db, ctx);
      const billId = await seedPayments(fresh.db, ctx);
      assert.ok(billId);
      assert.equal(await seedPayments(fresh.db, ctx), undefined);
      assert.equal((await fresh.db.selectFrom('payment_items').select('id').execute()).length, 5);
    } finally {
      await fresh.drop();
    }
  });
});

describe('API reference', () => {
  test('documents the payment routes, the Idempotency-Key header and their problem answers', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const create = spec.paths['/api/v1/payments'].post;
    assert.ok(create.parameters.some((p: { in: string; name: string; required: boolean }) => p.in === 'header' && p.name === 'idempotency-key' && p.required));
    assert.ok(create.responses['409']);
    for (const path of ['/api/v1/payment-items', '/api/v1/payments/{id}/refunds', '/api/v1/bills', '/api/v1/bills/{id}/payments', '/api/v1/payments/webhooks/builtin']) assert.ok(spec.paths[path], path);
  });
});
