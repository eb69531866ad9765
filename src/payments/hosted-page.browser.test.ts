import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { listeningTestApp, type TestApp } from '../../test/support/app.ts';
import { checkAccessibility, launchBrowser, newPage } from '../../test/support/browser.ts';
import { sql } from 'kysely';
import { auditCount, buildBill } from '../../test/support/payments-factories.ts';
import { testLogger } from '../../test/support/database.ts';
import { waitFor } from '../../test/support/wait.ts';
import { builtinPaymentProvider } from './provider/builtin.ts';
import { webhookSecret } from './provider/signature.ts';

// The payer's journey in a real browser, against a listening server: here the provider's webhooks really travel
// over HTTP to our endpoint, signed, while the return page asks the provider too. Either way: one settlement.
// The pages carry no script at all (checked below), so they work with JavaScript off.
let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  ({ t, base } = await listeningTestApp());
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

/** Whether the provider's webhooks were answered by our endpoint (they are sent after its response). */
async function webhooksDelivered(providerPaymentId: string): Promise<boolean> {
  const events = await t.db.selectFrom('provider_webhook_events').select('delivered_at').where('payment_id', '=', providerPaymentId).execute();
  return events.length > 0 && events.every((e) => e.delivered_at);
}

describe('paying a bill in a browser', () => {
  test('bill → hosted page (accessible, no JavaScript needed) → Pay → back to the outcome → receipt', async () => {
    const bill = await buildBill(t.db, { amountCents: 56_300, reference: 'VL-BROWSER-1' });
    const page = await newPage(browser);
    await page.goto(`${base}/bills/${bill.id}`);
    assert.match(await page.textContent('main') ?? '', /HK\$563\.00/);
    assert.deepEqual(await checkAccessibility(page), []);
    await page.getByRole('button', { name: 'Pay this bill' }).click();
    assert.match(new URL(page.url()).pathname, /^\/pay\/provider\/payments\/[0-9a-f-]{36}$/);
    const providerPaymentId = new URL(page.url()).pathname.split('/').pop()!;
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Pay by card');
    assert.deepEqual(await checkAccessibility(page), []);
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    assert.match(await page.getByRole('alert').textContent() ?? '', /Enter a card number/, 'an empty card number is named in the error summary');
    assert.equal(await page.locator('script').count(), 0);
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    assert.match(page.url(), /\/payments\/[0-9a-f-]{36}\/return$/);
    assert.match(await page.getByRole('status').textContent() ?? '', /Your payment was received/);
    assert.deepEqual(await checkAccessibility(page), []);
    const paymentId = page.url().split('/').at(-2)!;
    await waitFor('the provider delivers its signed webhooks to our endpoint', () => webhooksDelivered(providerPaymentId));
    assert.equal(await auditCount(t.db, 'payment.settled', paymentId), 1);
    assert.equal(await auditCount(t.db, 'bill.paid', bill.id), 1);
    // Lost on the way (as far as the provider knows): its retry sends them again, and nothing settles twice.
    await sql`UPDATE provider_webhook_events SET delivered_at = NULL, next_attempt_at = now() - interval '1 second' WHERE payment_id = ${providerPaymentId}`.execute(t.db);
    const provider = builtinPaymentProvider({ db: t.db, baseUrl: base, secret: webhookSecret(t.config.SESSION_SECRET), logger: testLogger });
    assert.equal(await provider.redeliver(), 3);
    assert.equal(await auditCount(t.db, 'payment.settled', paymentId), 1);
    const receipt = await page.request.get(`${base}/payments/${paymentId}/receipt.pdf`);
    assert.equal(receipt.headers()['content-type'], 'application/pdf');
    await page.close();
  });

  test('a bill paid in two tabs: the second tab is told its payment was refunded in full, in an accessible page', async () => {
    const bill = await buildBill(t.db, { amountCents: 12_000 });
    const context = await browser.newContext();
    const [first, second] = [await context.newPage(), await context.newPage()];
    for (const tab of [first, second]) {
      await tab.goto(`${base}/bills/${bill.id}`);
      await tab.getByRole('button', { name: 'Pay this bill' }).click();
      assert.match(new URL(tab.url()).pathname, /^\/pay\/provider\/payments\//);
    }
    for (const tab of [first, second]) {
      await tab.getByLabel('Card number').fill('4242424242424242');
      await tab.getByRole('button', { name: 'Pay', exact: true }).click();
    }
    assert.match(await first.getByRole('status').textContent() ?? '', /Your payment was received/);
    // The provider's webhook may be sending the refund at this moment: the page says "was" or "is being" refunded.
    assert.match(await second.getByRole('status').textContent() ?? '', /already been paid by an earlier payment, so this payment (was|is being) refunded in full: HK\$120\.00/);
    assert.deepEqual(await checkAccessibility(second), []);
    const duplicate = second.url().split('/').at(-2)!;
    await waitFor('the duplicate is refunded', async () => (await auditCount(t.db, 'payment.refunded', duplicate)) > 0);
    assert.equal(await auditCount(t.db, 'payment.refunded', duplicate), 1);
    assert.equal(await auditCount(t.db, 'bill.paid', bill.id), 1);
    await context.close();
  });

  test('Cancel on the hosted page comes back as cancelled, in Chinese too', async () => {
    const bill = await buildBill(t.db);
    const page = await newPage(browser, { locale: 'zh-HK' });
    await page.goto(`${base}/bills/${bill.id}`);
    await page.getByRole('button', { name: '繳付此賬單' }).click();
    await page.getByRole('button', { name: '取消' }).click();
    assert.match(await page.getByRole('status').textContent() ?? '', /付款已取消/);
    assert.deepEqual(await checkAccessibility(page), []);
    await page.close();
  });
});
