// Refunds (API and console) and the console's payments and bills pages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { testLogger } from '../../test/support/database.ts';
import { systemContext } from '../platform/context.ts';
import { builtinProviderFor, paymentDeps } from './deps.ts';
import { reconcilePayments } from './reconciliation.ts';
import * as store from './store.ts';
import { buildStaff } from '../../test/support/factories.ts';
import { auditCount, buildDepartment, buildPaymentItem, newKey, paymentRow, payOnHostedPage, postJson, tomorrow, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL }); });
after(async () => { await t.close(); });

async function staffOf(organisationId: string, roles: ('officer' | 'approver')[]): Promise<[string, string]> {
  const staff = await buildStaff(t.db, { organisationId, roles });
  return [staff.email, staff.password];
}

describe('refunds', () => {
  async function paidPayment() {
    const dept = await buildDepartment(t, ['approver']);
    const payment = (await postJson(dept.client, '/api/v1/payments', { itemId: dept.item.id }, newKey())).json();
    await payOnHostedPage(t, payment.id);
    await new Client(t.app).get(`/payments/${payment.id}/return`);
    return { ...dept, payment };
  }

  test('partial refunds up to the amount paid, each once per key; more is refused', async () => {
    const { client, payment } = await paidPayment();
    const key = newKey();
    const first = await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 20_000 }, key);
    assert.equal(first.statusCode, 201);
    const retry = await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 20_000 }, key);
    assert.equal(retry.statusCode, 200);
    assert.equal(retry.json().id, first.json().id);
    assert.equal((await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 1 }, key)).statusCode, 409);
    const over = await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 30_001 }, newKey());
    assert.equal(over.statusCode, 409);
    assert.match(over.json().detail, /above the amount paid/);
    const rest = await Promise.all([1, 2].map(() => postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 30_000 }, newKey())));
    assert.deepEqual(rest.map((r) => r.statusCode).sort(), [201, 409], 'two concurrent refunds of the rest: one is refused');
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 50_000);
    const provider = await t.db.selectFrom('provider_payments').select('refunded_cents').where('id', '=', (await paymentRow(t.db, payment.id)).provider_payment_id!).executeTakeFirstOrThrow();
    assert.equal(provider.refunded_cents, 50_000);
    assert.equal((await client.json('GET', `/api/v1/payments/${payment.id}/refunds`)).json().refunds.length, 2);
    assert.equal(await auditCount(t.db, 'payment.refunded', payment.id), 2);
  });

  test('refunds are refused for unpaid payments, for officers, for other departments and without a key', async () => {
    const { client, item, payment } = await paidPayment();
    const unpaid = (await postJson(client, '/api/v1/payments', { itemId: item.id }, newKey())).json();
    assert.equal((await postJson(client, `/api/v1/payments/${unpaid.id}/refunds`, { amountCents: 100 }, newKey())).statusCode, 409);
    assert.equal((await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 100 })).statusCode, 400);
    assert.equal((await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 0 }, newKey())).statusCode, 400);
    const officer = await buildDepartment(t, ['officer']);
    assert.equal((await postJson(officer.client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 100 }, newKey())).statusCode, 403);
    const stranger = await buildDepartment(t, ['approver']);
    const foreign = await postJson(stranger.client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 100 }, newKey());
    assert.equal(foreign.statusCode, 404);
    assert.equal((await stranger.client.json('GET', `/api/v1/payments/${payment.id}/refunds`)).statusCode, 404);
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 0);
  });
});

describe('payments in the console', () => {
  test('an approver finds a payment, refunds part with the form, and is told plainly when asking too much', async () => {
    const { client, item } = await buildDepartment(t, ['approver']);
    const payment = (await postJson(client, '/api/v1/payments', { itemId: item.id, reference: 'CONSOLE-1' }, newKey())).json();
    await payOnHostedPage(t, payment.id);
    await new Client(t.app).get(`/payments/${payment.id}/return`);
    const list = await client.get('/console/payments');
    assert.match(list.body, /CONSOLE-1/);
    assert.match(list.body, new RegExp(`href="/console/payments/${payment.id}"`));
    const page = `/console/payments/${payment.id}`;
    const tooMuch = await client.submit(page, `${page}/refunds`, { amount: '500.01', idempotencyKey: newKey() });
    assert.equal(tooMuch.statusCode, 400);
    assert.match(tooMuch.body, /class="error-summary"/);
    assert.match(tooMuch.body, /above the amount paid/);
    const bad = await client.submit(page, `${page}/refunds`, { amount: 'ten', idempotencyKey: newKey() });
    assert.equal(bad.statusCode, 400);
    const form = await client.get(page);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(form.body)![1]!;
    const done = await client.submit(page, `${page}/refunds`, { amount: '120', idempotencyKey: key });
    assert.equal(done.statusCode, 303);
    const twice = await client.submit(page, `${page}/refunds`, { amount: '120', idempotencyKey: key });
    assert.equal(twice.statusCode, 303, 'a double submit refunds once');
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 12_000);
    assert.match((await client.get(`${page}?refunded=1`)).body, /The refund was made/);
  });

  test("officers see payments but no refund form; another department's payment is not found; visitors sign in", async () => {
    const { client, item } = await buildDepartment(t, ['officer']);
    const payment = (await postJson(client, '/api/v1/payments', { itemId: item.id }, newKey())).json();
    const page = await client.get(`/console/payments/${payment.id}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /\/refunds"/);
    const refused = await client.submit(`/console/payments/${payment.id}`, `/console/payments/${payment.id}/refunds`, { amount: '1', idempotencyKey: newKey() });
    assert.equal(refused.statusCode, 403);
    const stranger = await buildDepartment(t, ['approver']);
    assert.equal((await stranger.client.get(`/console/payments/${payment.id}`)).statusCode, 404);
    assert.doesNotMatch((await stranger.client.get('/console/payments')).body, new RegExp(payment.id));
    assert.equal((await new Client(t.app).get('/console/payments')).statusCode, 303);
  });
});

describe('a refund the provider did not confirm', () => {
  test('stays pending: a new refund is refused until it is sent again with its own key, and it goes out once', async () => {
    const { client, item } = await buildDepartment(t, ['approver']);
    const payment = (await postJson(client, '/api/v1/payments', { itemId: item.id }, newKey())).json();
    await payOnHostedPage(t, payment.id);
    await new Client(t.app).get(`/payments/${payment.id}/return`);
    const page = `/console/payments/${payment.id}`;
    const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
    const providerRefunded = async () => (await t.db.selectFrom('provider_payments').select('refunded_cents').where('id', '=', providerId).executeTakeFirstOrThrow()).refunded_cents;

    // The provider answers 502 to the first attempt: the app's own provider fails, as an outage would make it.
    const provider = builtinProviderFor({ config: t.config, db: t.db, logger: testLogger });
    const refund = provider.refund;
    provider.refund = async () => { throw new Error('provider answered 502 Bad Gateway'); };
    let failed;
    try {
      failed = await client.submit(page, `${page}/refunds`, { amount: '250', idempotencyKey: newKey() });
    } finally {
      provider.refund = refund;
    }
    assert.equal(failed.statusCode, 503);
    assert.match(failed.body, /did not confirm the refund. It is kept/);
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 25_000, 'reserved');
    assert.equal(await providerRefunded(), 0);

    // Reloading gives a fresh form (a new key): the page offers the pending refund instead, and a new one is refused.
    const reloaded = await client.get(page);
    assert.match(reloaded.body, /A refund of HK\$250\.00 has not been confirmed/);
    assert.doesNotMatch(reloaded.body, /name="amount"/, 'no new refund form while one is pending');
    assert.match((await client.get(`${page}?lang=zh-HK`)).body, /一筆 HK\$250\.00 的退款尚未獲付款服務供應商確認/);
    const second = await client.submit(page, `${page}/refunds`, { amount: '250', idempotencyKey: newKey() });
    assert.equal(second.statusCode, 400);
    assert.match(second.body, /still waiting for the payment provider/);
    const api = await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 25_000 }, newKey());
    assert.equal(api.statusCode, 409);
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 25_000, 'still only the first reserved');

    const pendingId = /refunds\/([0-9a-f-]{36})\/send/.exec(reloaded.body)![1]!;
    const sent = await client.submit(page, `${page}/refunds/${pendingId}/send`, {});
    assert.equal(sent.statusCode, 303);
    assert.equal((await reconcilePayments(paymentDeps({ config: t.config, db: t.db, logger: testLogger }), systemContext('test'), { olderThanMinutes: 0 })).refunded, 0);
    assert.equal(await providerRefunded(), 25_000, 'HK$250 went out, once');
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 25_000);
    assert.equal(await auditCount(t.db, 'payment.refunded', payment.id), 1);
    assert.match((await client.get(page)).body, /name="amount"/, 'the refund form is back');
  });

  test('through the API: 503, then 409 for another key; reconciliation sends it once and the same key gets it', async () => {
    const { client, item } = await buildDepartment(t, ['approver']);
    const payment = (await postJson(client, '/api/v1/payments', { itemId: item.id }, newKey())).json();
    await payOnHostedPage(t, payment.id);
    await new Client(t.app).get(`/payments/${payment.id}/return`);
    const provider = builtinProviderFor({ config: t.config, db: t.db, logger: testLogger });
    const refund = provider.refund;
    provider.refund = async () => { throw new Error('connect ECONNREFUSED'); };
    const key = newKey();
    let failed;
    try {
      failed = await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 5_000 }, key);
    } finally {
      provider.refund = refund;
    }
    assert.equal(failed.statusCode, 503);
    assert.match(failed.json().detail, /same Idempotency-Key/);
    assert.equal((await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 5_000 }, newKey())).statusCode, 409);
    const run = await reconcilePayments(paymentDeps({ config: t.config, db: t.db, logger: testLogger }), systemContext('test'), { olderThanMinutes: 0 });
    assert.equal(run.refunded, 1);
    const again = await postJson(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 5_000 }, key);
    assert.equal(again.statusCode, 200);
    const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
    assert.equal((await t.db.selectFrom('provider_payments').select('refunded_cents').where('id', '=', providerId).executeTakeFirstOrThrow()).refunded_cents, 5_000);
    assert.equal(await auditCount(t.db, 'payment.refunded', payment.id), 1);
  });
});

describe('sending a pending refund again from the console', () => {
  test('is for approvers of the payment\'s own department, and for a refund of that payment', async () => {
    const { client, organisation, item } = await buildDepartment(t, ['approver']);
    const payment = (await postJson(client, '/api/v1/payments', { itemId: item.id }, newKey())).json();
    await payOnHostedPage(t, payment.id);
    await new Client(t.app).get(`/payments/${payment.id}/return`);
    // A crash between reserving and sending left this one pending.
    const pending = await store.insertRefund(t.db, { payment_id: payment.id, amount_cents: 1_000, idempotency_key: newKey(), provider_refund_id: null, created_by_id: null });
    const page = `/console/payments/${payment.id}`;
    const send = `${page}/refunds/${pending.id}/send`;
    const officer = await signInStaff(t.app, ...(await staffOf(organisation.id, ['officer'])));
    assert.match((await officer.get(page)).body, /has not been confirmed/);
    assert.doesNotMatch((await officer.get(page)).body, /\/send"/, 'officers see it, without the button');
    assert.equal((await officer.submit(page, send, {})).statusCode, 403);
    const stranger = await buildDepartment(t, ['approver']);
    assert.equal((await stranger.client.submit('/console/payments', send, {})).statusCode, 404);
    const other = (await postJson(client, '/api/v1/payments', { itemId: item.id }, newKey())).json();
    assert.equal((await client.submit(page, `/console/payments/${other.id}/refunds/${pending.id}/send`, {})).statusCode, 404, 'not a refund of that payment');
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 1_000);
    assert.equal(await auditCount(t.db, 'payment.refunded', payment.id), 0);
    assert.equal((await client.submit(page, send, {})).statusCode, 303);
    assert.equal(await auditCount(t.db, 'payment.refunded', payment.id), 1);
  });
});

describe('bills in the console', () => {
  test('an officer issues a bill with the form and gets its payment link; bad input gets an error summary', async () => {
    const { client, item } = await buildDepartment(t, ['officer']);
    const page = await client.get('/console/payments');
    assert.match(page.body, new RegExp(`<option value="${item.id}"`));
    const bad = await client.submit('/console/payments', '/console/bills', { itemId: item.id, reference: '', dueDate: '2020-01-01' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#field-reference"/);
    assert.match(bad.body, /href="#field-dueDate"/);
    const foreign = await buildPaymentItem(t.db);
    assert.equal((await client.submit('/console/payments', '/console/bills', { itemId: foreign.id, reference: 'X', dueDate: tomorrow() })).statusCode, 404);
    const issued = await client.submit('/console/payments', '/console/bills', { itemId: item.id, reference: 'RENEW-9', citizenId: 'citizen-9', dueDate: tomorrow() });
    assert.equal(issued.statusCode, 303);
    const billPage = await new Client(t.app).get(issued.headers.location as string);
    assert.match(billPage.body, /RENEW-9/);
    assert.equal((await t.db.selectFrom('payment_bills').select('citizen_id').where('reference', '=', 'RENEW-9').executeTakeFirstOrThrow()).citizen_id, 'citizen-9');
  });
});
