import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';
import { auditCount, buildPaymentItem, newKey, paymentRow, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL }); });
after(async () => { await t.close(); });

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

async function department(roles: ('officer' | 'approver' | 'organisation_admin')[] = ['officer', 'approver']) {
  const organisation = await buildOrganisation(t.db);
  const item = await buildPaymentItem(t.db, { organisationId: organisation.id, amountCents: 50_000 });
  const staff = await buildStaff(t.db, { organisationId: organisation.id, roles });
  return { organisation, item, client: await signInStaff(t.app, staff.email, staff.password) };
}

function post(client: Client, url: string, body: unknown, key?: string) {
  return client.request({ method: 'POST', url, payload: JSON.stringify(body), headers: { accept: 'application/json', 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) } });
}

/** The payer's journey through our page and the provider's hosted page, as a browser without JavaScript makes it. */
async function payOnHostedPage(paymentId: string, cardNumber = '4242424242424242', action: 'pay' | 'cancel' = 'pay') {
  const payer = new Client(t.app);
  const toProvider = await payer.get(`/payments/${paymentId}/pay`);
  assert.equal(toProvider.statusCode, 303);
  const hosted = new URL(toProvider.headers.location as string).pathname;
  assert.match(hosted, /^\/pay\/provider\/payments\//);
  const page = await payer.get(hosted);
  assert.match(page.body, /<button type="submit"[^>]*>Pay<\/button>/);
  assert.match(page.body, /<button type="submit"[^>]*>Cancel<\/button>/);
  const done = await payer.submit(hosted, `${hosted}/${action}`, action === 'pay' ? { cardNumber } : {});
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, `${UNREACHABLE_BASE_URL}/payments/${paymentId}/return`);
  return { payer, hosted };
}

describe('creating a payment', () => {
  test('the same Idempotency-Key twice creates one payment; another body with it is a conflict', async () => {
    const { item, client } = await department();
    const key = newKey();
    const first = await post(client, '/api/v1/payments', { itemId: item.id, reference: 'counter-1' }, key);
    assert.equal(first.statusCode, 201);
    const again = await post(client, '/api/v1/payments', { itemId: item.id, reference: 'counter-1' }, key);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, first.json().id);
    const [a, b] = await Promise.all([1, 2].map(() => post(client, '/api/v1/payments', { itemId: item.id, reference: 'race' }, `${key}-race`)));
    assert.equal(a!.json().id, b!.json().id, 'concurrent retries get one payment');
    const other = await post(client, '/api/v1/payments', { itemId: item.id, reference: 'counter-2' }, key);
    assert.equal(other.statusCode, 409);
    const count = await t.db.selectFrom('payments').select('id').where('item_id', '=', item.id).execute();
    assert.equal(count.length, 2);
    assert.equal(await auditCount(t.db, 'payment.created', first.json().id), 1);
  });

  test('no Idempotency-Key, a bad one, a foreign item, or no sign-in: refused', async () => {
    const { client } = await department();
    const foreign = await buildPaymentItem(t.db);
    const missing = await post(client, '/api/v1/payments', { itemId: foreign.id });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().errors[0].field, 'headers.idempotency-key');
    assert.equal((await post(client, '/api/v1/payments', { itemId: foreign.id }, 'short')).statusCode, 400);
    assert.equal((await post(client, '/api/v1/payments', { itemId: foreign.id }, newKey())).statusCode, 404);
    assert.equal((await post(new Client(t.app), '/api/v1/payments', { itemId: foreign.id }, newKey())).statusCode, 401);
  });
});

describe('paying a bill', () => {
  test('a department issues a bill; the payer pays on the hosted page; the return page asks the provider; a receipt follows', async () => {
    const { item, client } = await department();
    const issued = await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-2026-001', dueDate: tomorrow(), citizenId: 'citizen-1' });
    assert.equal(issued.statusCode, 201);
    const bill = issued.json();
    assert.equal(await auditCount(t.db, 'bill.issued', bill.id), 1);

    const payer = new Client(t.app);
    const billPage = await payer.get(bill.payUrl);
    assert.match(billPage.body, /LIC-2026-001/);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(billPage.body)![1]!;
    const started = await payer.submit(bill.payUrl, `/bills/${bill.id}/pay`, { idempotencyKey: key });
    assert.equal(started.statusCode, 303);
    const paymentId = /^\/payments\/([0-9a-f-]+)\/pay$/.exec(started.headers.location as string)![1]!;
    const twice = await payer.submit(bill.payUrl, `/bills/${bill.id}/pay`, { idempotencyKey: key });
    assert.equal(twice.headers.location, started.headers.location, 'a double submit makes one payment');

    const before = await payer.get(`/payments/${paymentId}`);
    assert.match(before.body, /not finished yet/);
    assert.equal((await payer.get(`/payments/${paymentId}/receipt.pdf`)).statusCode, 409);

    await payOnHostedPage(paymentId);
    // The webhook never arrives in this test (nothing listens at BASE_URL): the return page asks the provider.
    const back = await payer.get(`/payments/${paymentId}/return?status=failed`);
    assert.equal(back.statusCode, 200);
    assert.match(back.body, /Your payment was received/);
    assert.equal((await paymentRow(t.db, paymentId)).state, 'success');
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/bills/${bill.id}` })).json().paid, true);
    assert.equal(await auditCount(t.db, 'bill.paid', bill.id), 1);
    assert.equal((await payer.get(bill.payUrl)).body.includes('This bill is paid'), true);
    assert.equal((await post(payer, `/api/v1/bills/${bill.id}/payments`, {}, newKey())).statusCode, 409);

    const receipt = await payer.get(`/payments/${paymentId}/receipt.pdf`);
    assert.equal(receipt.statusCode, 200);
    assert.equal(receipt.headers['content-type'], 'application/pdf');
    assert.equal(receipt.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const zh = await payer.get(`/payments/${paymentId}/receipt.pdf?lang=zh-HK`);
    assert.equal(zh.statusCode, 200);
  });

  test('the return page never trusts the query string: a cancelled payment shows as cancelled', async () => {
    const { item, client } = await department();
    const bill = (await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-2', dueDate: tomorrow() })).json();
    const payment = (await post(new Client(t.app), `/api/v1/bills/${bill.id}/payments`, {}, newKey())).json();
    const { payer } = await payOnHostedPage(payment.id, '', 'cancel');
    const back = await payer.get(`/payments/${payment.id}/return?state=success&finished=true`);
    assert.match(back.body, /The payment was cancelled/);
    assert.doesNotMatch(back.body, /receipt/);
    assert.equal((await payer.get(`/payments/${payment.id}/pay`)).statusCode, 409);
  });

  test('a declined card fails the payment and offers a new one', async () => {
    const { item, client } = await department();
    const bill = (await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-3', dueDate: tomorrow() })).json();
    const payment = (await post(new Client(t.app), `/api/v1/bills/${bill.id}/payments`, {}, newKey())).json();
    const { payer } = await payOnHostedPage(payment.id, '4000000000000002');
    const back = await payer.get(`/payments/${payment.id}/return`);
    assert.match(back.body, /did not go through/);
    assert.match(back.body, new RegExp(`href="/bills/${bill.id}"`));
    assert.equal(await auditCount(t.db, 'payment.failed', payment.id), 1);
  });

  test('the hosted page names a bad card number; unknown payments and bills are not found', async () => {
    const { item, client } = await department();
    const bill = (await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-4', dueDate: tomorrow() })).json();
    const payment = (await post(new Client(t.app), `/api/v1/bills/${bill.id}/payments`, {}, newKey())).json();
    const payer = new Client(t.app);
    const hosted = new URL((await payer.get(`/payments/${payment.id}/pay`)).headers.location as string).pathname;
    const bad = await payer.submit(hosted, `${hosted}/pay`, { cardNumber: '12ab' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#field-cardNumber"/);
    const noCsrf = await payer.request({ method: 'POST', url: `${hosted}/pay`, payload: 'cardNumber=4242424242424242', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal((await paymentRow(t.db, payment.id)).finished, false);
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const url of [`/payments/${unknown}`, `/payments/${unknown}/pay`, `/payments/${unknown}/return`, `/payments/${unknown}/receipt.pdf`, `/bills/${unknown}`, `/pay/provider/payments/${unknown}`]) {
      assert.equal((await payer.get(url)).statusCode, 404, url);
    }
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/payments/${unknown}` })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/bills/${unknown}` })).statusCode, 404);
    assert.equal((await post(payer, `/api/v1/bills/${unknown}/payments`, {}, newKey())).statusCode, 404);
  });

  test('bills: only staff of the item\'s department issue them, never due in the past', async () => {
    const { client } = await department(['officer']);
    const foreign = await buildPaymentItem(t.db);
    assert.equal((await client.json('POST', '/api/v1/bills', { itemId: foreign.id, reference: 'X', dueDate: tomorrow() })).statusCode, 404);
    const { item } = await department();
    assert.equal((await new Client(t.app).json('POST', '/api/v1/bills', { itemId: item.id, reference: 'X', dueDate: tomorrow() })).statusCode, 401);
    const mine = await department(['officer']);
    const past = await mine.client.json('POST', '/api/v1/bills', { itemId: mine.item.id, reference: 'X', dueDate: '2020-01-01' });
    assert.equal(past.statusCode, 400);
    assert.equal(past.json().errors[0].field, 'body.dueDate');
  });
});

describe('refunds', () => {
  async function paidPayment() {
    const dept = await department(['approver']);
    const payment = (await post(dept.client, '/api/v1/payments', { itemId: dept.item.id }, newKey())).json();
    await payOnHostedPage(payment.id);
    await new Client(t.app).get(`/payments/${payment.id}/return`);
    return { ...dept, payment };
  }

  test('partial refunds up to the amount paid, each once per key; more is refused', async () => {
    const { client, payment } = await paidPayment();
    const key = newKey();
    const first = await post(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 20_000 }, key);
    assert.equal(first.statusCode, 201);
    const retry = await post(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 20_000 }, key);
    assert.equal(retry.statusCode, 200);
    assert.equal(retry.json().id, first.json().id);
    assert.equal((await post(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 1 }, key)).statusCode, 409);
    const over = await post(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 30_001 }, newKey());
    assert.equal(over.statusCode, 409);
    assert.match(over.json().detail, /above the amount paid/);
    const rest = await Promise.all([1, 2].map(() => post(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 30_000 }, newKey())));
    assert.deepEqual(rest.map((r) => r.statusCode).sort(), [201, 409], 'two concurrent refunds of the rest: one is refused');
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 50_000);
    const provider = await t.db.selectFrom('provider_payments').select('refunded_cents').where('id', '=', (await paymentRow(t.db, payment.id)).provider_payment_id!).executeTakeFirstOrThrow();
    assert.equal(provider.refunded_cents, 50_000);
    assert.equal((await client.json('GET', `/api/v1/payments/${payment.id}/refunds`)).json().refunds.length, 2);
    assert.equal(await auditCount(t.db, 'payment.refunded', payment.id), 2);
  });

  test('refunds are refused for unpaid payments, for officers, for other departments and without a key', async () => {
    const { client, item, payment } = await paidPayment();
    const unpaid = (await post(client, '/api/v1/payments', { itemId: item.id }, newKey())).json();
    assert.equal((await post(client, `/api/v1/payments/${unpaid.id}/refunds`, { amountCents: 100 }, newKey())).statusCode, 409);
    assert.equal((await post(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 100 })).statusCode, 400);
    assert.equal((await post(client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 0 }, newKey())).statusCode, 400);
    const officer = await department(['officer']);
    assert.equal((await post(officer.client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 100 }, newKey())).statusCode, 403);
    const stranger = await department(['approver']);
    const foreign = await post(stranger.client, `/api/v1/payments/${payment.id}/refunds`, { amountCents: 100 }, newKey());
    assert.equal(foreign.statusCode, 404);
    assert.equal((await stranger.client.json('GET', `/api/v1/payments/${payment.id}/refunds`)).statusCode, 404);
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, 0);
  });
});

describe('unhappy paths of the remaining routes', () => {
  test('each is refused with the right status and changes nothing', async () => {
    const { item, client } = await department(['approver']);
    const visitor = new Client(t.app);
    assert.equal((await visitor.json('GET', `/api/v1/payment-items/${item.id}`)).statusCode, 401);
    assert.equal((await client.json('GET', '/api/v1/payment-items/not-a-uuid')).statusCode, 400);
    assert.equal((await visitor.json('GET', '/api/v1/payments/00000000-0000-4000-8000-000000000000/refunds')).statusCode, 401);
    assert.equal((await visitor.json('GET', '/api/v1/payments/not-a-uuid')).statusCode, 400);

    const bill = (await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-5', dueDate: tomorrow() })).json();
    assert.equal((await post(visitor, `/api/v1/bills/${bill.id}/payments`, {})).statusCode, 400, 'no Idempotency-Key');
    const noKey = await visitor.submit(bill.payUrl, `/bills/${bill.id}/pay`, {});
    assert.equal(noKey.statusCode, 400);
    const noCsrf = await visitor.request({ method: 'POST', url: `/bills/${bill.id}/pay`, payload: 'idempotencyKey=abcdefgh12', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal((await t.db.selectFrom('payments').select('id').where('reference', '=', bill.id).execute()).length, 0);

    const payment = (await post(visitor, `/api/v1/bills/${bill.id}/payments`, {}, newKey())).json();
    const { payer, hosted } = await payOnHostedPage(payment.id, '', 'cancel');
    const again = await payer.submit(bill.payUrl, `${hosted}/cancel`, {});
    assert.equal(again.statusCode, 409, 'a finished payment cannot be cancelled again');
    const pay = await payer.submit(bill.payUrl, `${hosted}/pay`, { cardNumber: '4242424242424242' });
    assert.equal(pay.statusCode, 409, 'nor paid');
    assert.equal((await payer.request({ method: 'POST', url: '/pay/provider/payments/00000000-0000-4000-8000-000000000000/cancel', payload: `_csrf=x`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode, 403);
  });
});

describe('payments in the console', () => {
  test('an approver finds a payment, refunds part with the form, and is told plainly when asking too much', async () => {
    const { client, item } = await department(['approver']);
    const payment = (await post(client, '/api/v1/payments', { itemId: item.id, reference: 'CONSOLE-1' }, newKey())).json();
    await payOnHostedPage(payment.id);
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
    const { client, item } = await department(['officer']);
    const payment = (await post(client, '/api/v1/payments', { itemId: item.id }, newKey())).json();
    const page = await client.get(`/console/payments/${payment.id}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /\/refunds"/);
    const refused = await client.submit(`/console/payments/${payment.id}`, `/console/payments/${payment.id}/refunds`, { amount: '1', idempotencyKey: newKey() });
    assert.equal(refused.statusCode, 403);
    const stranger = await department(['approver']);
    assert.equal((await stranger.client.get(`/console/payments/${payment.id}`)).statusCode, 404);
    assert.doesNotMatch((await stranger.client.get('/console/payments')).body, new RegExp(payment.id));
    assert.equal((await new Client(t.app).get('/console/payments')).statusCode, 303);
  });
});

describe('bills in the console', () => {
  test('an officer issues a bill with the form and gets its payment link; bad input gets an error summary', async () => {
    const { client, item } = await department(['officer']);
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
