import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { auditCount, buildPaymentItem, deliverWebhook, newKey, paymentRow, recordedWebhooks, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';
import { testLogger } from '../../test/support/database.ts';
import { systemContext } from '../platform/context.ts';
import { builtinPaymentProvider, DECLINED_CARD, ERROR_CARD } from './provider/builtin.ts';
import { webhookSecret } from './provider/signature.ts';
import { createPayment } from './payment.ts';
import { refundPayment } from './refund.ts';
import { applyProviderStatus } from './settlement.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';

// Whatever order and however often the provider's webhooks arrive, our record ends where the provider's ended,
// and a successful payment is settled (audited) exactly once; whatever refunds race, they never exceed the payment.
let t: TestApp;
let provider: ReturnType<typeof builtinPaymentProvider>;
before(async () => {
  t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL });
  provider = builtinPaymentProvider({ db: t.db, baseUrl: UNREACHABLE_BASE_URL, secret: webhookSecret(t.config.SESSION_SECRET), logger: testLogger });
});
after(async () => { await t.close(); });

test('any order and any repetition of webhooks ends in the provider\'s final state, settled at most once', async () => {
  const item = await buildPaymentItem(t.db);
  const deps = { db: t.db, provider, baseUrl: UNREACHABLE_BASE_URL };
  await fc.assert(fc.asyncProperty(
    fc.constantFrom('4242424242424242', DECLINED_CARD, ERROR_CARD, 'cancel'),
    fc.array(fc.nat(2), { maxLength: 6 }),
    fc.shuffledSubarray([...Array(9).keys()], { minLength: 9, maxLength: 9 }),
    async (card, duplicates, permutation) => {
      const { payment } = await createPayment(deps, systemContext('test'), { itemId: item.id, purpose: 'fee', reference: 'property', idempotencyKey: newKey() });
      const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
      await provider.open(providerId);
      const final = card === 'cancel' ? await provider.cancel(providerId) : await provider.pay(providerId, card);
      const events = await recordedWebhooks(t.db, providerId);
      // Every event once plus some duplicates, delivered in a random order.
      const deliveries = [...events.keys(), ...duplicates.map((d) => d % events.length)];
      const order = permutation.filter((position) => position < deliveries.length).map((position) => deliveries[position]!);
      for (const i of order) assert.equal((await deliverWebhook(t.app, t.config, events[i]!)).statusCode, 204);
      const row = await paymentRow(t.db, payment.id);
      assert.equal(row.state, final.state);
      assert.equal(row.finished, true);
      assert.equal(await auditCount(t.db, 'payment.settled', payment.id), final.state === 'success' ? 1 : 0);
      assert.equal(await auditCount(t.db, `payment.${final.state === 'success' ? 'settled' : final.state}`, payment.id), 1);
    },
  ), { numRuns: 25 });
});

test('concurrent partial refunds never add up to more than was paid, here or at the provider', async () => {
  const organisation = await buildOrganisation(t.db);
  const item = await buildPaymentItem(t.db, { organisationId: organisation.id, amountCents: 10_000 });
  const approver = await buildStaff(t.db, { organisationId: organisation.id, roles: ['approver'] });
  const staffCtx = { actor: { kind: 'staff' as const, id: approver.id, label: 'approver', organisationId: organisation.id, roles: approver.roles, sessionId: 'test' }, requestId: 'test', locale: 'en' as const };
  const deps = { db: t.db, provider, baseUrl: UNREACHABLE_BASE_URL };
  await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6_000 }), { minLength: 1, maxLength: 6 }), async (amounts) => {
    const { payment } = await createPayment(deps, systemContext('test'), { itemId: item.id, purpose: 'fee', reference: 'refunds', idempotencyKey: newKey() });
    const providerId = (await paymentRow(t.db, payment.id)).provider_payment_id!;
    await provider.pay(providerId, '4242424242424242');
    await applyProviderStatus(t.db, systemContext('test'), provider.name, await provider.status(providerId));
    const results = await Promise.allSettled(amounts.map((amount) => refundPayment(deps, staffCtx, payment.id, amount, newKey())));
    const refunded = results.reduce((sum, r, i) => sum + (r.status === 'fulfilled' ? amounts[i]! : 0), 0);
    assert.ok(refunded <= 10_000);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'conflict');
    assert.equal((await paymentRow(t.db, payment.id)).refunded_cents, refunded);
    assert.equal((await provider.status(providerId)).refundedCents, refunded);
  }), { numRuns: 15 });
});
