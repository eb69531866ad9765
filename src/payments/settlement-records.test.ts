import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { auditCount, buildBill, buildPaymentItem, deliverWebhook, newKey, paymentRow, recordedWebhooks, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';
import { testLogger } from '../../test/support/database.ts';
import { createDatabase, type Db } from '../platform/db/database.ts';
import { systemContext } from '../platform/context.ts';
import { verifyAuditChain } from '../platform/audit/index.ts';
import { builtinPaymentProvider } from './provider/builtin.ts';
import { webhookSecret } from './provider/signature.ts';
import { createPayment } from './payment.ts';
import { payBill } from './bill.ts';
import { onPaymentSettled } from './settled-handlers.ts';
import { applyProviderStatus } from './settlement.ts';
import type { PaymentDeps } from './deps.ts';

// A bill's payment marks the bill paid in the statement that settles it, and a payment for any other record takes
// the record's lock in that statement: these tests hold those paths to the same guarantees as before, with two
// connection pools standing in for two server processes.
let t: TestApp;
let deps: PaymentDeps & { provider: ReturnType<typeof builtinPaymentProvider> };
let otherProcess: Db;
const ctx = systemContext('test');

before(async () => {
  t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL });
  const provider = builtinPaymentProvider({ db: t.db, baseUrl: UNREACHABLE_BASE_URL, secret: webhookSecret(t.config.SESSION_SECRET), logger: testLogger });
  deps = { db: t.db, provider, baseUrl: UNREACHABLE_BASE_URL };
  otherProcess = createDatabase(t.config.DATABASE_URL!, { poolSize: 3, logger: testLogger }).db;
});
after(async () => {
  await otherProcess.destroy();
  await t.close();
});

/** A payment made and paid at the provider, not yet settled here; returns its id and the provider's final status. */
async function paidAtProvider(input: { itemId: string; purpose: string; reference: string | null }) {
  const { payment } = await createPayment(deps, ctx, { ...input, idempotencyKey: newKey() });
  const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
  await deps.provider.pay(providerId, '4242424242424242');
  return { id: payment.id, providerId, status: await deps.provider.status(providerId) };
}

async function paidBillTwice(billId: string) {
  const pay = async () => {
    const { payment } = await payBill(deps, ctx, billId, newKey());
    const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
    await deps.provider.pay(providerId, '4242424242424242');
    return { id: payment.id, status: await deps.provider.status(providerId) };
  };
  return [await pay(), await pay()];
}

describe('settling a bill payment', () => {
  test('writes the payment\'s and the bill\'s audit entries in its transaction, in that order, into an intact chain', async () => {
    const bill = await buildBill(t.db);
    const { payment } = await payBill(deps, ctx, bill.id, newKey());
    const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
    await deps.provider.pay(providerId, '4242424242424242');
    const success = (await recordedWebhooks(t.db, providerId)).at(-1)!;
    assert.equal((await deliverWebhook(t.app, t.config, success)).statusCode, 204);
    assert.equal((await deliverWebhook(t.app, t.config, success)).statusCode, 204, 'the same news again');

    const entries = await t.db.selectFrom('audit_log').select(['id', 'action', 'record_id', 'request_id', 'detail'])
      .where((eb) => eb.or([eb('record_id', '=', payment.id), eb('record_id', '=', bill.id)])).where('action', 'in', ['payment.settled', 'bill.paid']).orderBy('id').execute();
    assert.deepEqual(entries.map((e) => [e.action, e.record_id]), [['payment.settled', payment.id], ['bill.paid', bill.id]]);
    assert.equal(entries[0]!.request_id, entries[1]!.request_id, 'one request');
    assert.deepEqual(entries[1]!.detail, { paymentId: payment.id });
    const row = await t.db.selectFrom('payment_bills').select('paid_payment_id').where('id', '=', bill.id).executeTakeFirstOrThrow();
    assert.equal(row.paid_payment_id, payment.id);
    assert.deepEqual(await verifyAuditChain(t.db), { ok: true, checked: (await t.db.selectFrom('audit_log').select('id').execute()).length });
  });

  test('two processes settling two payments of one bill at once: exactly one marks it paid, the other is a duplicate', async () => {
    for (let round = 0; round < 8; round++) {
      const bill = await buildBill(t.db, { amountCents: 4_000 });
      const payments = await paidBillTwice(bill.id);
      const applied = await Promise.all([
        applyProviderStatus(t.db, ctx, deps.provider.name, payments[0]!.status),
        applyProviderStatus(otherProcess, ctx, deps.provider.name, payments[1]!.status),
      ]);
      assert.deepEqual(applied.map((a) => a.settled), [true, true]);
      const rows = await Promise.all(payments.map((p) => paymentRow(t.db, p.id)));
      const counted = rows.filter((r) => r.duplicate_of === null);
      assert.equal(counted.length, 1, `round ${round}: one payment counts`);
      const duplicate = rows.find((r) => r.duplicate_of !== null)!;
      assert.equal(duplicate.duplicate_of, counted[0]!.id);
      assert.equal(duplicate.refunded_cents, 4_000, 'its full refund is reserved');
      assert.equal(applied.filter((a) => a.duplicateRefund).length, 1);
      const billRow = await t.db.selectFrom('payment_bills').select('paid_payment_id').where('id', '=', bill.id).executeTakeFirstOrThrow();
      assert.equal(billRow.paid_payment_id, counted[0]!.id);
      assert.equal(await auditCount(t.db, 'bill.paid', bill.id), 1);
      for (const p of payments) assert.equal(await auditCount(t.db, 'payment.settled', p.id), 1);
    }
  });

  test('a later payment of a bill paid long ago is found a duplicate; late news of either changes nothing', async () => {
    const bill = await buildBill(t.db, { amountCents: 6_000 });
    const [first, second] = await paidBillTwice(bill.id);
    await applyProviderStatus(t.db, ctx, deps.provider.name, first!.status);
    const late = await applyProviderStatus(otherProcess, ctx, deps.provider.name, second!.status);
    assert.ok(late.duplicateRefund, 'its refund is reserved');
    assert.equal((await paymentRow(t.db, second!.id)).duplicate_of, first!.id);
    for (const p of [first!, second!]) assert.equal((await applyProviderStatus(t.db, ctx, deps.provider.name, p.status)).changed, false);
    assert.equal((await t.db.selectFrom('payment_bills').select('paid_payment_id').where('id', '=', bill.id).executeTakeFirstOrThrow()).paid_payment_id, first!.id);
    assert.equal(await auditCount(t.db, 'bill.paid', bill.id), 1);
    assert.equal((await paymentRow(t.db, second!.id)).refunded_cents, 6_000);
  });

  test('a bill payment whose reference names no bill settles and marks nothing', async () => {
    const item = await buildPaymentItem(t.db);
    for (const reference of ['not-a-bill-id', randomUUID()]) {
      const paid = await paidAtProvider({ itemId: item.id, purpose: 'bill', reference });
      const applied = await applyProviderStatus(t.db, ctx, deps.provider.name, paid.status);
      assert.equal(applied.settled, true);
      assert.equal(await auditCount(t.db, 'payment.settled', paid.id), 1);
      assert.equal(await auditCount(t.db, 'bill.paid', reference), 0);
    }
  });
});

describe('settling a payment for another module\'s record', () => {
  test('two processes at once: the record moves on once, the other payment is a duplicate', async () => {
    const heard: string[] = [];
    onPaymentSettled('test_race', async (_trx, _ctx, payment) => { heard.push(payment.reference!); });
    const item = await buildPaymentItem(t.db, { amountCents: 3_000 });
    for (let round = 0; round < 8; round++) {
      const reference = `application-${newKey()}`;
      const payments = [await paidAtProvider({ itemId: item.id, purpose: 'test_race', reference }), await paidAtProvider({ itemId: item.id, purpose: 'test_race', reference })];
      await Promise.all([
        applyProviderStatus(t.db, ctx, deps.provider.name, payments[0]!.status),
        applyProviderStatus(otherProcess, ctx, deps.provider.name, payments[1]!.status),
      ]);
      assert.deepEqual(heard.filter((r) => r === reference), [reference], `round ${round}: the record moved on once`);
      const rows = await Promise.all(payments.map((p) => paymentRow(t.db, p.id)));
      assert.equal(rows.filter((r) => r.duplicate_of === null).length, 1);
    }
  });
});
