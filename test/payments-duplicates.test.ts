import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from './support/app.ts';
import { buildStaff } from './support/factories.ts';
import { testLogger } from './support/database.ts';
import { auditCount, buildBill, buildPaymentItem, deliverWebhook, newKey, paymentRow, payOnHostedPage, recordedWebhooks, UNREACHABLE_BASE_URL } from './support/payments-factories.ts';
import { systemContext } from '../src/platform/context.ts';
import { createPayment, onPaymentSettled, paymentDeps, reconcilePayments, type PaymentDeps } from '../src/payments/index.ts';
import { settleFromProvider } from '../src/payments/settlement.ts';
import { conflict } from '../src/platform/errors.ts';
import * as providerStore from '../src/payments/provider/store.ts';

// Two tabs, two devices, a payer who pays again because the first page seemed stuck: a bill or fee paid twice is
// settled once, and the second payment is refunded in full through the provider, once, whatever is repeated.
let t: TestApp;
let deps: PaymentDeps;
const ctx = systemContext('test');
before(async () => {
  t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL });
  deps = paymentDeps({ config: t.config, db: t.db, logger: testLogger });
});
after(async () => { await t.close(); });

/** A payer opens the bill in a tab and presses Pay: each tab's page carries its own idempotency key. */
async function payBillInTab(billId: string): Promise<string> {
  const tab = new Client(t.app);
  const page = await tab.get(`/bills/${billId}`);
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.body)![1]!;
  const started = await tab.submit(`/bills/${billId}`, `/bills/${billId}/pay`, { idempotencyKey: key });
  assert.equal(started.statusCode, 303);
  return /^\/payments\/([0-9a-f-]{36})\/pay$/.exec(started.headers.location as string)![1]!;
}

async function refundsOf(paymentId: string) {
  const ours = await t.db.selectFrom('payment_refunds').selectAll().where('payment_id', '=', paymentId).execute();
  const providerId = (await paymentRow(t.db, paymentId)).provider_payment_id!;
  const theirs = await t.db.selectFrom('provider_refunds').selectAll().where('payment_id', '=', providerId).execute();
  return { ours, theirs, audits: await auditCount(t.db, 'payment.refunded', paymentId) };
}

describe('a bill paid twice', () => {
  test('is paid by the first payment to settle; the second is refunded in full, and the payer is told', async () => {
    const bill = await buildBill(t.db, { amountCents: 32_000 });
    const [first, second, third] = [await payBillInTab(bill.id), await payBillInTab(bill.id), await payBillInTab(bill.id)];
    assert.notEqual(first, second, 'two tabs, two payments');
    await payOnHostedPage(t, first);
    await payOnHostedPage(t, second);

    const firstPage = await new Client(t.app).get(`/payments/${first}/return`);
    assert.match(firstPage.body, /Your payment was received/);
    const thirdTab = await new Client(t.app).get(`/payments/${third}/pay`);
    assert.equal(thirdTab.statusCode, 409, 'a tab that had not reached the provider yet is stopped: the bill is paid');
    assert.match(thirdTab.body, /already been paid by another payment/);
    const thirdInChinese = await new Client(t.app).get(`/payments/${third}/pay?lang=zh-HK`);
    assert.equal(thirdInChinese.statusCode, 409);
    assert.match(thirdInChinese.body, /此項目已由另一筆付款繳付，你無須再付款。/);
    assert.doesNotMatch(thirdInChinese.body, /already been paid/, 'no English on a Chinese page');
    assert.doesNotMatch(thirdInChinese.body, /href="\/payments\/[0-9a-f-]+\/pay"/, 'no way to pay again');
    assert.equal((await new Client(t.app).get(`/bills/${bill.id}`)).body.includes('This bill is paid.'), true);
    const secondPage = await new Client(t.app).get(`/payments/${second}/return`);
    assert.match(secondPage.body, /already been paid by an earlier payment, so this payment was refunded in full: HK\$320\.00 goes back/);
    assert.match(secondPage.body, /<dt>Refunded<\/dt><dd>HK\$320\.00<\/dd>/);
    const chinese = await new Client(t.app).get(`/payments/${second}?lang=zh-HK`);
    assert.match(chinese.body, /這筆付款已全數退還：HK\$320\.00/);
    const receipt = await new Client(t.app).get(`/payments/${second}/receipt.pdf`);
    assert.equal(receipt.statusCode, 200);

    const billRow = await t.db.selectFrom('payment_bills').selectAll().where('id', '=', bill.id).executeTakeFirstOrThrow();
    assert.equal(billRow.paid_payment_id, first);
    assert.equal(await auditCount(t.db, 'bill.paid', bill.id), 1);
    const duplicate = await paymentRow(t.db, second);
    assert.equal(duplicate.state, 'success');
    assert.equal(duplicate.duplicate_of, first);
    assert.equal(duplicate.refunded_cents, 32_000);
    assert.equal(await auditCount(t.db, 'payment.settled', second), 1);
    const refunds = await refundsOf(second);
    assert.equal(refunds.ours.length, 1);
    assert.ok(refunds.ours[0]!.provider_refund_id);
    assert.deepEqual(refunds.theirs.map((r) => r.amount_cents), [32_000]);
    assert.equal(refunds.audits, 1);
    const audit = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'payment.refunded').where('record_id', '=', second).executeTakeFirstOrThrow();
    assert.equal((audit.detail as { reason: string }).reason, 'duplicate');
    assert.equal((await paymentRow(t.db, first)).refunded_cents, 0, 'the payment that counted keeps its money');
    const staff = await buildStaff(t.db, { organisationId: bill.organisation_id, roles: ['officer'] });
    const staffPage = await (await signInStaff(t.app, staff.email, staff.password)).get(`/console/payments/${second}`);
    assert.match(staffPage.body, new RegExp(`Already paid by</dt><dd><a href="/console/payments/${first}">`));

    // Everything again, repeated and out of order: webhooks, the payer's return, reconciliation.
    for (const id of [first, second]) {
      const events = await recordedWebhooks(t.db, (await paymentRow(t.db, id)).provider_payment_id!);
      for (const body of [...events, ...events].reverse()) assert.equal((await deliverWebhook(t.app, t.config, body)).statusCode, 204);
      await new Client(t.app).get(`/payments/${id}/return`);
    }
    await reconcilePayments(deps, ctx, { olderThanMinutes: 0 });
    await reconcilePayments(deps, ctx, { olderThanMinutes: 0 });
    const again = await refundsOf(second);
    assert.deepEqual([again.ours.length, again.theirs.length, again.audits], [1, 1, 1]);
    assert.equal(await auditCount(t.db, 'bill.paid', bill.id), 1);
    assert.equal((await refundsOf(first)).theirs.length, 0);
  });

  test('paid twice at the same moment, exactly one payment counts and the other is refunded', async () => {
    for (let round = 0; round < 5; round++) {
      const bill = await buildBill(t.db, { amountCents: 5_000 });
      const ids = [await payBillInTab(bill.id), await payBillInTab(bill.id)];
      for (const id of ids) await payOnHostedPage(t, id);
      const bodies = await Promise.all(ids.map(async (id) => (await recordedWebhooks(t.db, (await paymentRow(t.db, id)).provider_payment_id!)).at(-1)!));
      await Promise.all([...bodies.map((body) => deliverWebhook(t.app, t.config, body)), ...ids.map((id) => new Client(t.app).get(`/payments/${id}/return`)), reconcilePayments(deps, ctx, { olderThanMinutes: 0 })]);
      const rows = await Promise.all(ids.map((id) => paymentRow(t.db, id)));
      assert.deepEqual(rows.map((r) => r.state), ['success', 'success']);
      const counted = rows.filter((r) => r.duplicate_of === null);
      assert.equal(counted.length, 1, 'one payment counts');
      const refunded = rows.find((r) => r.duplicate_of !== null)!;
      assert.equal(refunded.duplicate_of, counted[0]!.id);
      assert.equal((await t.db.selectFrom('payment_bills').select('paid_payment_id').where('id', '=', bill.id).executeTakeFirstOrThrow()).paid_payment_id, counted[0]!.id);
      assert.deepEqual((await refundsOf(refunded.id)).theirs.map((r) => r.amount_cents), [5_000]);
      assert.equal((await refundsOf(counted[0]!.id)).theirs.length, 0);
    }
  });
});

describe('a duplicate refund the provider could not take at once', () => {
  test('stays reserved, the payer sees it under way, and reconciliation sends it once', async () => {
    const moved: string[] = [];
    onPaymentSettled('test_fee', async (_trx, _ctx, payment) => { moved.push(payment.reference!); });
    const item = await buildPaymentItem(t.db, { amountCents: 9_000 });
    const reference = `application-${newKey()}`;
    const pay = async () => {
      const { payment } = await createPayment(deps, ctx, { itemId: item.id, purpose: 'test_fee', reference, idempotencyKey: newKey() });
      const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
      await payOnHostedPage(t, payment.id);
      return { id: payment.id, providerId };
    };
    const [first, second] = [await pay(), await pay()];
    // The provider is out of reach for refunds while the second payment's success comes in.
    const unreachable: PaymentDeps = { ...deps, provider: { ...deps.provider, refund: async () => { throw new Error('connect ECONNREFUSED'); } } };
    for (const payment of [first, second]) await settleFromProvider(unreachable, ctx, await deps.provider.status(payment.providerId));
    assert.deepEqual(moved, [reference], 'the record moved on once');
    const pending = await refundsOf(second.id);
    assert.deepEqual([pending.ours.length, pending.ours[0]!.provider_refund_id, pending.theirs.length, pending.audits], [1, null, 0, 0]);
    assert.match((await new Client(t.app).get(`/payments/${second.id}`)).body, /this payment is being refunded in full: HK\$90\.00/);

    const run = await reconcilePayments(deps, ctx, { olderThanMinutes: 0 });
    assert.equal(run.refunded, 1);
    assert.equal((await reconcilePayments(deps, ctx, { olderThanMinutes: 0 })).refunded, 0);
    const sent = await refundsOf(second.id);
    assert.deepEqual([sent.ours.length, sent.theirs.length, sent.audits], [1, 1, 1]);
    assert.equal((await providerStore.paymentById(t.db, second.providerId))!.refunded_cents, 9_000);
    assert.match((await new Client(t.app).get(`/payments/${second.id}`)).body, /this payment was refunded in full: HK\$90\.00/);
    assert.equal((await paymentRow(t.db, first.id)).duplicate_of, null);
  });
});

describe('a duplicate refund the provider refused', () => {
  test('is kept and marked for an operator (audited), never dropped; an approver sends it again from the console', async () => {
    const item = await buildPaymentItem(t.db, { amountCents: 7_000 });
    const reference = `application-${newKey()}`;
    onPaymentSettled('test_refused', async () => undefined);
    const pay = async () => {
      const { payment } = await createPayment(deps, ctx, { itemId: item.id, purpose: 'test_refused', reference, idempotencyKey: newKey() });
      const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
      await payOnHostedPage(t, payment.id);
      return { id: payment.id, providerId };
    };
    const [first, second] = [await pay(), await pay()];
    // The provider answers the automatic refund with a 4xx (say, the card account is closed).
    const refusing: PaymentDeps = { ...deps, provider: { ...deps.provider, refund: async () => { throw conflict('The card account is closed.'); } } };
    for (const payment of [first, second]) await settleFromProvider(refusing, ctx, await deps.provider.status(payment.providerId));

    const kept = await refundsOf(second.id);
    assert.equal(kept.ours.length, 1, 'the reservation is kept');
    assert.equal(kept.ours[0]!.provider_refund_id, null);
    assert.ok(kept.ours[0]!.refused_at, 'marked for an operator');
    assert.equal(kept.theirs.length, 0);
    assert.equal((await paymentRow(t.db, second.id)).refunded_cents, 7_000);
    assert.equal(await auditCount(t.db, 'payment.refund_refused', second.id), 1);
    assert.match((await new Client(t.app).get(`/payments/${second.id}`)).body, /this payment is being refunded in full: HK\$70\.00/);
    assert.equal((await reconcilePayments(deps, ctx, { olderThanMinutes: 0 })).refunded, 0, 'reconciliation leaves a refused refund to the operator');
    assert.equal((await refundsOf(second.id)).ours.length, 1);

    const approver = await buildStaff(t.db, { organisationId: item.organisation_id, roles: ['approver'] });
    const operator = await signInStaff(t.app, approver.email, approver.password);
    const page = `/console/payments/${second.id}`;
    const shown = await operator.get(page);
    assert.match(shown.body, /refused the automatic refund of HK\$70\.00 for this duplicate payment/);
    assert.match((await operator.get(`${page}?lang=zh-HK`)).body, /付款服務供應商拒絕了此重複付款 HK\$70\.00 的自動退款/);
    const sent = await operator.submit(page, `${page}/refunds/${kept.ours[0]!.id}/send`, {});
    assert.equal(sent.statusCode, 303);
    const done = await refundsOf(second.id);
    assert.deepEqual([done.ours.length, done.theirs.length, done.audits], [1, 1, 1]);
    assert.ok(done.ours[0]!.provider_refund_id);
    assert.doesNotMatch((await operator.get(page)).body, /refused the automatic refund/);
    assert.match((await new Client(t.app).get(`/payments/${second.id}`)).body, /this payment was refunded in full: HK\$70\.00/);
  });
});
