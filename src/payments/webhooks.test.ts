import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Client, createTestApp, type TestApp } from '../../test/support/app.ts';
import { auditCount, buildPaymentItem, deliverWebhook, newKey, paymentRow, recordedWebhooks, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';
import { systemContext } from '../platform/context.ts';
import { builtinPaymentProvider } from './provider/builtin.ts';
import { signWebhook, webhookSecret } from './provider/signature.ts';
import { testLogger } from '../../test/support/database.ts';
import { waitFor } from '../../test/support/wait.ts';
import { createPayment, type Payment } from './payment.ts';
import { onPaymentSettled } from './settled-handlers.ts';
import { reconcilePayments, reconcileUnlessRunning, startReconciliation } from './reconciliation.ts';
import * as store from './store.ts';
import type { PaymentDeps } from './deps.ts';

let t: TestApp;
let deps: PaymentDeps & { provider: ReturnType<typeof builtinPaymentProvider> };
const settledCalls = new Map<string, number>();

before(async () => {
  t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL });
  const provider = builtinPaymentProvider({ db: t.db, baseUrl: UNREACHABLE_BASE_URL, secret: webhookSecret(t.config.SESSION_SECRET), logger: testLogger });
  deps = { db: t.db, provider, baseUrl: UNREACHABLE_BASE_URL };
  // Stands in for the services module moving an application on: it must run once per payment.
  onPaymentSettled('fee', async (_trx, _ctx, payment) => { settledCalls.set(payment.id, (settledCalls.get(payment.id) ?? 0) + 1); });
});
after(async () => { await t.close(); });

const ctx = systemContext('test');

async function feePayment(): Promise<Payment> {
  const item = await buildPaymentItem(t.db);
  return (await createPayment(deps, ctx, { itemId: item.id, purpose: 'fee', reference: `application-${newKey()}`, idempotencyKey: newKey() })).payment;
}

/** The payer opens the hosted page and pays, and never comes back to us; the provider records its webhooks. */
async function paidAtProvider(payment: Payment, card = '4242424242424242'): Promise<string[]> {
  const row = await paymentRow(t.db, payment.id);
  await deps.provider.open(row.provider_payment_id!);
  await deps.provider.pay(row.provider_payment_id!, card);
  return recordedWebhooks(t.db, row.provider_payment_id!);
}

describe('webhooks', () => {
  test('duplicated and reordered webhooks settle a payment once, and its state never moves backwards', async () => {
    const payment = await feePayment();
    const [started, submitted, success] = await paidAtProvider(payment);
    assert.ok(started && submitted && success);
    assert.equal(JSON.parse(success).state, 'success');
    for (const body of [submitted, success, started, success, submitted, success]) {
      assert.equal((await deliverWebhook(t.app, t.config, body)).statusCode, 204);
    }
    const row = await paymentRow(t.db, payment.id);
    assert.equal(row.state, 'success');
    assert.equal(row.finished, true);
    assert.equal(await auditCount(t.db, 'payment.settled', payment.id), 1);
    assert.equal(settledCalls.get(payment.id), 1);
  });

  test('a failure arriving after success (or any news after the end) changes nothing', async () => {
    const payment = await feePayment();
    const [, , success] = await paidAtProvider(payment);
    await deliverWebhook(t.app, t.config, success!);
    const forged = JSON.stringify({ ...JSON.parse(success!), state: 'failed', eventId: 'another' });
    assert.equal((await deliverWebhook(t.app, t.config, forged)).statusCode, 204);
    assert.equal((await paymentRow(t.db, payment.id)).state, 'success');
  });

  test('a bad signature, a tampered body or an old timestamp is refused with 401 and changes nothing', async () => {
    const payment = await feePayment();
    const [, , success] = await paidAtProvider(payment);
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await deliverWebhook(t.app, t.config, success!, { signature: `t=${now},v1=${'0'.repeat(64)}` }),
      await deliverWebhook(t.app, t.config, success!, { signature: 'garbage' }),
      await deliverWebhook(t.app, t.config, success!, { timestamp: now - 3600 }),
      await deliverWebhook(t.app, t.config, success!, { timestamp: now + 3600 }),
      await t.app.inject({ method: 'POST', url: '/api/v1/payments/webhooks/builtin', payload: success!, headers: { 'content-type': 'application/json' } }),
    ];
    assert.deepEqual(refused.map((r) => r.statusCode), [401, 401, 401, 401, 401]);
    assert.equal(refused[0]!.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal((await paymentRow(t.db, payment.id)).state, 'created', 'refused webhooks changed nothing');
    // A signature made for the genuine bytes does not cover changed ones (here: the state).
    const genuine = signWebhook(webhookSecret(t.config.SESSION_SECRET), success!);
    const tampered = await deliverWebhook(t.app, t.config, success!.replace('"success"', '"failed"'), { signature: genuine });
    assert.equal(tampered.statusCode, 401);
    assert.equal((await paymentRow(t.db, payment.id)).state, 'created');
    assert.equal((await deliverWebhook(t.app, t.config, success!)).statusCode, 204);
    assert.equal((await paymentRow(t.db, payment.id)).state, 'success');
  });

  test('a webhook for a payment we do not know is not found; a body that is not an event is refused', async () => {
    const unknown = JSON.stringify({ eventId: 'e', providerPaymentId: '00000000-0000-4000-8000-000000000000', reference: 'x', state: 'success', finished: true, amountCents: 1, refundedCents: 0 });
    assert.equal((await deliverWebhook(t.app, t.config, unknown)).statusCode, 404);
    assert.equal((await deliverWebhook(t.app, t.config, JSON.stringify({ hello: 'world' }))).statusCode, 400);
    assert.equal((await deliverWebhook(t.app, t.config, '{not json')).statusCode, 400);
    const payment = await feePayment();
    const [, , success] = await paidAtProvider(payment);
    const wrongAmount = JSON.stringify({ ...JSON.parse(success!), amountCents: 1 });
    assert.equal((await deliverWebhook(t.app, t.config, wrongAmount)).statusCode, 409);
    assert.equal((await paymentRow(t.db, payment.id)).state, 'created');
  });
});

describe('reconciliation', () => {
  test('a payment whose webhook was lost is settled by reconciliation exactly once', async () => {
    const payment = await feePayment();
    await paidAtProvider(payment);
    const first = await reconcilePayments(deps, ctx, { olderThanMinutes: 0 });
    assert.ok(first.settled >= 1);
    const second = await reconcilePayments(deps, ctx, { olderThanMinutes: 0 });
    assert.equal(second.settled, 0);
    assert.equal((await paymentRow(t.db, payment.id)).state, 'success');
    assert.equal(await auditCount(t.db, 'payment.settled', payment.id), 1);
    assert.equal(settledCalls.get(payment.id), 1);
  });

  test('a crash while settling (after the provider took the money) leaves nothing half done; reconciliation then settles once', async () => {
    let crashes = 1;
    const moved = new Map<string, number>();
    onPaymentSettled('crashing-fee', async (_trx, _ctx, payment) => {
      if (crashes-- > 0) throw new Error('process died while moving the application on');
      moved.set(payment.id, (moved.get(payment.id) ?? 0) + 1);
    });
    const item = await buildPaymentItem(t.db);
    const { payment } = await createPayment(deps, ctx, { itemId: item.id, purpose: 'crashing-fee', reference: 'application-crash', idempotencyKey: newKey() });
    const [, , success] = await paidAtProvider(payment);
    assert.equal((await deliverWebhook(t.app, t.config, success!)).statusCode, 500);
    const afterCrash = await paymentRow(t.db, payment.id);
    assert.equal(afterCrash.state, 'created', 'the settlement rolled back with the failed hook');
    assert.equal(await auditCount(t.db, 'payment.settled', payment.id), 0);
    const run = await reconcilePayments(deps, ctx, { olderThanMinutes: 0 });
    assert.equal(run.failed, 0);
    assert.equal((await paymentRow(t.db, payment.id)).state, 'success');
    await reconcilePayments(deps, ctx, { olderThanMinutes: 0 });
    assert.equal((await deliverWebhook(t.app, t.config, success!)).statusCode, 204);
    assert.equal(await auditCount(t.db, 'payment.settled', payment.id), 1);
    assert.equal(moved.get(payment.id), 1);
  });

  test('reconciliation and late webhooks racing settle each payment once', async () => {
    const payments = await Promise.all(Array.from({ length: 5 }, () => feePayment()));
    const webhooks = await Promise.all(payments.map((p) => paidAtProvider(p)));
    await Promise.all([
      reconcilePayments(deps, ctx, { olderThanMinutes: 0 }),
      ...webhooks.flatMap((bodies) => [...bodies, ...bodies].reverse().map((body) => deliverWebhook(t.app, t.config, body))),
      reconcilePayments(deps, ctx, { olderThanMinutes: 0 }),
      ...payments.map((p) => new Client(t.app).get(`/payments/${p.id}/return`)),
    ]);
    for (const payment of payments) {
      assert.equal((await paymentRow(t.db, payment.id)).state, 'success');
      assert.equal(await auditCount(t.db, 'payment.settled', payment.id), 1);
      assert.equal(settledCalls.get(payment.id), 1);
    }
  });

  test('reconciliation pages through every unfinished payment', async () => {
    const payments = await Promise.all(Array.from({ length: 5 }, () => feePayment()));
    for (const payment of payments) await paidAtProvider(payment);
    const run = await reconcilePayments(deps, ctx, { olderThanMinutes: 0, pageSize: 2 });
    assert.ok(run.checked >= 5);
    for (const payment of payments) assert.equal((await paymentRow(t.db, payment.id)).state, 'success');
  });

  test('a payment abandoned for more than 90 minutes becomes cancelled; one still in its time is left alone', async () => {
    const abandoned = await feePayment();
    const fresh = await feePayment();
    const row = await paymentRow(t.db, abandoned.id);
    await deps.provider.open(row.provider_payment_id!);
    await sql`UPDATE provider_payments SET created_at = now() - interval '91 minutes', expires_at = now() - interval '1 minute' WHERE id = ${row.provider_payment_id}`.execute(t.db);
    await reconcilePayments(deps, ctx, { olderThanMinutes: 0 });
    const after = await paymentRow(t.db, abandoned.id);
    assert.equal(after.state, 'cancelled');
    assert.equal(after.finished, true);
    assert.equal(await auditCount(t.db, 'payment.cancelled', abandoned.id), 1);
    assert.equal((await paymentRow(t.db, fresh.id)).finished, false);
    const hosted = await new Client(t.app).get(`/pay/provider/payments/${row.provider_payment_id}`);
    assert.match(hosted.body, /This payment has expired/);
    assert.doesNotMatch(hosted.body, />Pay</);
  });

  test('the provider refuses to pay an expired payment: it is cancelled instead', async () => {
    const payment = await feePayment();
    const row = await paymentRow(t.db, payment.id);
    await sql`UPDATE provider_payments SET expires_at = now() - interval '1 second' WHERE id = ${row.provider_payment_id}`.execute(t.db);
    const result = await deps.provider.pay(row.provider_payment_id!, '4242424242424242');
    assert.equal(result.state, 'cancelled');
    assert.equal(result.failure_reason, 'expired');
  });
});

describe('the reconciliation loop every app runs', () => {
  test('settles a payment whose payer never came back, with no one asking', async () => {
    const payment = await feePayment();
    await paidAtProvider(payment);
    const loop = startReconciliation(deps, testLogger, { everyMs: 20, olderThanMinutes: 0 });
    try {
      await waitFor('the loop comes round and settles the payment', async () => (await paymentRow(t.db, payment.id)).state === 'success');
    } finally {
      await loop.stop();
    }
    assert.equal(await auditCount(t.db, 'payment.settled', payment.id), 1);
    assert.equal(settledCalls.get(payment.id), 1);
  });
});

describe('scheduled reconciliation across processes', () => {
  test('a pass does not start while another process runs one', async () => {
    const payment = await feePayment();
    await paidAtProvider(payment);
    // Another process, in the middle of its pass, holds the lock on its connection.
    const other = await t.db.connection().execute(async (conn) => {
      assert.equal(await store.tryReconciliationLock(conn), true);
      try {
        return await reconcileUnlessRunning(deps, ctx, { olderThanMinutes: 0 });
      } finally {
        await store.releaseReconciliationLock(conn);
      }
    });
    assert.equal(other, undefined);
    assert.equal((await paymentRow(t.db, payment.id)).state, 'created');
    const run = await reconcileUnlessRunning(deps, ctx, { olderThanMinutes: 0 });
    assert.ok(run && run.settled >= 1);
    assert.equal((await paymentRow(t.db, payment.id)).state, 'success');
  });
});

describe('the reconciliation command', () => {
  test('runs one pass and reports success', async () => {
    const { runReconciliation } = await import('./index.ts');
    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => printed.push(line);
    try {
      assert.equal(await runReconciliation({ config: t.config, db: t.db, logger: testLogger }), 0);
    } finally {
      console.log = log;
    }
    assert.match(printed.join('\n'), /^Payments reconciled: \d+ checked/);
  });
});
