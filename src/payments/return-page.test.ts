// The payment page leads back to what a payment was for: a bill's own page, or the page another module registered for
// its purpose (the payments module knows nothing of that module); nowhere when none is registered or it is off-site.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildBill, buildPaymentItem, newKey, payOnHostedPage, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';
import { testLogger } from '../../test/support/database.ts';
import { systemContext } from '../platform/context.ts';
import { createPayment, onPaymentReturn, paymentDeps } from './index.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL });
  onPaymentReturn('licence_fee', (payment) => `/licences/${payment.reference}?from=payment`);
  onPaymentReturn('off_site', () => '//elsewhere.example/steal');
  onPaymentReturn('no_page', () => null);
});
after(async () => { await t.close(); });

async function paymentFor(purpose: string, reference: string | null) {
  const item = await buildPaymentItem(t.db);
  const deps = paymentDeps({ config: t.config, db: t.db, logger: testLogger });
  return (await createPayment(deps, systemContext('test'), { itemId: item.id, purpose, reference, idempotencyKey: newKey() })).payment;
}

/** The links of the page's main content, as [href, text]. */
const mainLinks = (html: string) =>
  [...(/<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '').matchAll(/<a [^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => [m[1]!.replaceAll('&amp;', '&'), m[2]!]);

describe('the way back from a payment', () => {
  test('a cancelled payment for a registered purpose leads back to its record, to pay again, in the payer\'s language', async () => {
    const payment = await paymentFor('licence_fee', 'LIC-7');
    await payOnHostedPage(t, payment.id, '4242424242424242', 'cancel');
    const payer = new Client(t.app);
    const page = await payer.get(`/payments/${payment.id}/return`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /The payment was cancelled/);
    assert.deepEqual(mainLinks(page.body), [['/licences/LIC-7?from=payment', 'Go back to pay again']]);
    assert.deepEqual(mainLinks((await payer.get(`/payments/${payment.id}/return?lang=zh-HK`)).body), [['/licences/LIC-7?from=payment', '返回重新付款']]);
    assert.deepEqual(mainLinks((await payer.get(`/payments/${payment.id}?lang=zh-CN`)).body), [['/licences/LIC-7?from=payment', '返回重新付款']]);
  });

  test('a payment under way or paid links back too, worded as such', async () => {
    const payment = await paymentFor('licence_fee', 'LIC-8');
    const payer = new Client(t.app);
    assert.deepEqual(mainLinks((await payer.get(`/payments/${payment.id}`)).body), [
      [`/payments/${payment.id}/pay`, 'Continue to payment'], ['/licences/LIC-8?from=payment', 'Back to what this payment is for'],
    ]);
    await payOnHostedPage(t, payment.id);
    const paid = await payer.get(`/payments/${payment.id}/return`);
    assert.match(paid.body, /Your payment was received/);
    assert.deepEqual(mainLinks(paid.body).at(-1), ['/licences/LIC-8?from=payment', 'Back to what this payment is for']);
  });

  test('a bill\'s cancelled payment still offers a new payment on the bill\'s page', async () => {
    const bill = await buildBill(t.db);
    const payer = new Client(t.app);
    const billPage = await payer.get(`/bills/${bill.id}`);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(billPage.body)![1]!;
    const paymentId = /^\/payments\/([0-9a-f-]+)\/pay$/.exec((await payer.submit(`/bills/${bill.id}`, `/bills/${bill.id}/pay`, { idempotencyKey: key })).headers.location as string)![1]!;
    await payOnHostedPage(t, paymentId, '4242424242424242', 'cancel');
    assert.deepEqual(mainLinks((await payer.get(`/payments/${paymentId}/return`)).body), [[`/bills/${bill.id}`, 'Start a new payment']]);
  });

  test('no link when no page is registered, none is given, there is no record, or the page is not on this site', async () => {
    for (const [purpose, reference] of [['counter', 'C-1'], ['no_page', 'N-1'], ['licence_fee', null], ['off_site', 'X-1']] as const) {
      const payment = await paymentFor(purpose, reference);
      await payOnHostedPage(t, payment.id, '4242424242424242', 'cancel');
      const page = await new Client(t.app).get(`/payments/${payment.id}/return`);
      assert.equal(page.statusCode, 200);
      assert.deepEqual(mainLinks(page.body), [], `${purpose}: ${reference}`);
    }
  });

  test('an unknown payment or a malformed id: not found or refused, never a 500', async () => {
    const payer = new Client(t.app);
    assert.equal((await payer.get('/payments/00000000-0000-4000-8000-000000000000/return')).statusCode, 404);
    assert.equal((await payer.get('/payments/not-a-payment/return')).statusCode, 400);
  });
});
