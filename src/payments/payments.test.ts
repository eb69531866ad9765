import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, type TestApp } from '../../test/support/app.ts';
import { auditCount, buildDepartment, buildPaymentItem, newKey, paymentRow, payOnHostedPage, postJson, tomorrow, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL }); });
after(async () => { await t.close(); });

describe('creating a payment', () => {
  test('the same Idempotency-Key twice creates one payment; another body with it is a conflict', async () => {
    const { item, client } = await buildDepartment(t);
    const key = newKey();
    const first = await postJson(client, '/api/v1/payments', { itemId: item.id, reference: 'counter-1' }, key);
    assert.equal(first.statusCode, 201);
    const again = await postJson(client, '/api/v1/payments', { itemId: item.id, reference: 'counter-1' }, key);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, first.json().id);
    const [a, b] = await Promise.all([1, 2].map(() => postJson(client, '/api/v1/payments', { itemId: item.id, reference: 'race' }, `${key}-race`)));
    assert.equal(a!.json().id, b!.json().id, 'concurrent retries get one payment');
    const other = await postJson(client, '/api/v1/payments', { itemId: item.id, reference: 'counter-2' }, key);
    assert.equal(other.statusCode, 409);
    const count = await t.db.selectFrom('payments').select('id').where('item_id', '=', item.id).execute();
    assert.equal(count.length, 2);
    assert.equal(await auditCount(t.db, 'payment.created', first.json().id), 1);
  });

  test('no Idempotency-Key, a bad one, a foreign item, or no sign-in: refused', async () => {
    const { client } = await buildDepartment(t);
    const foreign = await buildPaymentItem(t.db);
    const missing = await postJson(client, '/api/v1/payments', { itemId: foreign.id });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().errors[0].field, 'headers.idempotency-key');
    assert.equal((await postJson(client, '/api/v1/payments', { itemId: foreign.id }, 'short')).statusCode, 400);
    assert.equal((await postJson(client, '/api/v1/payments', { itemId: foreign.id }, newKey())).statusCode, 404);
    assert.equal((await postJson(new Client(t.app), '/api/v1/payments', { itemId: foreign.id }, newKey())).statusCode, 401);
  });
});

describe('paying a bill', () => {
  test('a department issues a bill; the payer pays on the hosted page; the return page asks the provider; a receipt follows', async () => {
    const { item, client } = await buildDepartment(t);
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

    await payOnHostedPage(t, paymentId);
    // The webhook never arrives in this test (nothing listens at BASE_URL): the return page asks the provider.
    const back = await payer.get(`/payments/${paymentId}/return?status=failed`);
    assert.equal(back.statusCode, 200);
    assert.match(back.body, /Your payment was received/);
    assert.equal((await paymentRow(t.db, paymentId)).state, 'success');
    assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/bills/${bill.id}` })).json().paid, true);
    assert.equal(await auditCount(t.db, 'bill.paid', bill.id), 1);
    assert.equal((await payer.get(bill.payUrl)).body.includes('This bill is paid'), true);
    assert.equal((await postJson(payer, `/api/v1/bills/${bill.id}/payments`, {}, newKey())).statusCode, 409);

    const receipt = await payer.get(`/payments/${paymentId}/receipt.pdf`);
    assert.equal(receipt.statusCode, 200);
    assert.equal(receipt.headers['content-type'], 'application/pdf');
    assert.equal(receipt.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const zh = await payer.get(`/payments/${paymentId}/receipt.pdf?lang=zh-HK`);
    assert.equal(zh.statusCode, 200);
  });

  test('the return page never trusts the query string: a cancelled payment shows as cancelled', async () => {
    const { item, client } = await buildDepartment(t);
    const bill = (await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-2', dueDate: tomorrow() })).json();
    const payment = (await postJson(new Client(t.app), `/api/v1/bills/${bill.id}/payments`, {}, newKey())).json();
    const { payer } = await payOnHostedPage(t, payment.id, '', 'cancel');
    const back = await payer.get(`/payments/${payment.id}/return?state=success&finished=true`);
    assert.match(back.body, /The payment was cancelled/);
    assert.doesNotMatch(back.body, /receipt/);
    assert.equal((await payer.get(`/payments/${payment.id}/pay`)).statusCode, 409);
  });

  test('a declined card fails the payment and offers a new one', async () => {
    const { item, client } = await buildDepartment(t);
    const bill = (await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-3', dueDate: tomorrow() })).json();
    const payment = (await postJson(new Client(t.app), `/api/v1/bills/${bill.id}/payments`, {}, newKey())).json();
    const { payer } = await payOnHostedPage(t, payment.id, '4000000000000002');
    const back = await payer.get(`/payments/${payment.id}/return`);
    assert.match(back.body, /did not go through/);
    assert.match(back.body, new RegExp(`href="/bills/${bill.id}"`));
    assert.equal(await auditCount(t.db, 'payment.failed', payment.id), 1);
  });

  test('the hosted page names a bad card number; unknown payments and bills are not found', async () => {
    const { item, client } = await buildDepartment(t);
    const bill = (await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-4', dueDate: tomorrow() })).json();
    const payment = (await postJson(new Client(t.app), `/api/v1/bills/${bill.id}/payments`, {}, newKey())).json();
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
    assert.equal((await postJson(payer, `/api/v1/bills/${unknown}/payments`, {}, newKey())).statusCode, 404);
  });

  test('bills: only staff of the item\'s department issue them, never due in the past', async () => {
    const { client } = await buildDepartment(t, ['officer']);
    const foreign = await buildPaymentItem(t.db);
    assert.equal((await client.json('POST', '/api/v1/bills', { itemId: foreign.id, reference: 'X', dueDate: tomorrow() })).statusCode, 404);
    const { item } = await buildDepartment(t);
    assert.equal((await new Client(t.app).json('POST', '/api/v1/bills', { itemId: item.id, reference: 'X', dueDate: tomorrow() })).statusCode, 401);
    const mine = await buildDepartment(t, ['officer']);
    const past = await mine.client.json('POST', '/api/v1/bills', { itemId: mine.item.id, reference: 'X', dueDate: '2020-01-01' });
    assert.equal(past.statusCode, 400);
    assert.equal(past.json().errors[0].field, 'body.dueDate');
  });
});

describe('unhappy paths of the remaining routes', () => {
  test('each is refused with the right status and changes nothing', async () => {
    const { item, client } = await buildDepartment(t, ['approver']);
    const visitor = new Client(t.app);
    assert.equal((await visitor.json('GET', `/api/v1/payment-items/${item.id}`)).statusCode, 401);
    assert.equal((await client.json('GET', '/api/v1/payment-items/not-a-uuid')).statusCode, 400);
    assert.equal((await visitor.json('GET', '/api/v1/payments/00000000-0000-4000-8000-000000000000/refunds')).statusCode, 401);
    assert.equal((await visitor.json('GET', '/api/v1/payments/not-a-uuid')).statusCode, 400);

    const bill = (await client.json('POST', '/api/v1/bills', { itemId: item.id, reference: 'LIC-5', dueDate: tomorrow() })).json();
    assert.equal((await postJson(visitor, `/api/v1/bills/${bill.id}/payments`, {})).statusCode, 400, 'no Idempotency-Key');
    const noKey = await visitor.submit(bill.payUrl, `/bills/${bill.id}/pay`, {});
    assert.equal(noKey.statusCode, 400);
    const noCsrf = await visitor.request({ method: 'POST', url: `/bills/${bill.id}/pay`, payload: 'idempotencyKey=abcdefgh12', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal((await t.db.selectFrom('payments').select('id').where('reference', '=', bill.id).execute()).length, 0);

    const payment = (await postJson(visitor, `/api/v1/bills/${bill.id}/payments`, {}, newKey())).json();
    const { payer, hosted } = await payOnHostedPage(t, payment.id, '', 'cancel');
    const again = await payer.submit(bill.payUrl, `${hosted}/cancel`, {});
    assert.equal(again.statusCode, 409, 'a finished payment cannot be cancelled again');
    const pay = await payer.submit(bill.payUrl, `${hosted}/pay`, { cardNumber: '4242424242424242' });
    assert.equal(pay.statusCode, 409, 'nor paid');
    assert.equal((await payer.request({ method: 'POST', url: '/pay/provider/payments/00000000-0000-4000-8000-000000000000/cancel', payload: `_csrf=x`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).statusCode, 403);
  });
});
