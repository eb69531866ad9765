import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { buildApp, type App } from '../src/app.ts';
import { createDatabase, type Db } from '../src/platform/db/database.ts';
import { systemContext } from '../src/platform/context.ts';
import { builtinProviderFor } from '../src/payments/deps.ts';
import type { BuiltinProvider } from '../src/payments/provider/builtin.ts';
import { createPayment, paymentDeps } from '../src/payments/index.ts';
import * as providerStore from '../src/payments/provider/store.ts';
import { createTestApp, type TestApp } from './support/app.ts';
import { testConfig, testLogger } from './support/database.ts';
import { waitFor } from './support/wait.ts';
import { buildPaymentItem, newKey, paymentRow } from './support/payments-factories.ts';

// Every smartgov process runs the built-in provider's webhook retry loop on the one database. Two apps here: each
// webhook must go out from one process at a time (never twice at once), and one a process took and then died with
// must still go out. A plain HTTP server stands in for the merchant's endpoint and counts what arrives. The apps' own
// retry loops are off (PAYMENT_WEBHOOK_RETRY_SECONDS=0): on a slow machine they would take events before the test's
// explicit redeliver calls do, so the test makes the loops' calls itself.
let receiver: Server;
let base: string;
/** The merchant's endpoint: down (503), up (204), or holding each request until released (a slow merchant). */
let mode: 'down' | 'up' | 'holding' = 'down';
let release: () => void = () => undefined;
let held = 0;
const received = new Map<string, number>();
let gate = Promise.resolve();
function hold() {
  mode = 'holding';
  held = 0;
  gate = new Promise<void>((resolve) => (release = resolve));
}
let first: TestApp;
let second: { app: App; db: Db };
const providers: BuiltinProvider[] = [];

before(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', async () => {
      if (mode === 'down') return void response.writeHead(503).end();
      const { eventId } = JSON.parse(body) as { eventId: string };
      received.set(eventId, (received.get(eventId) ?? 0) + 1);
      if (mode === 'holding') {
        held++;
        await gate;
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  first = await createTestApp({ BASE_URL: base, PAYMENT_WEBHOOK_RETRY_SECONDS: '0' });
  const config = testConfig({ DATABASE_URL: first.config.DATABASE_URL!, BASE_URL: base, PAYMENT_WEBHOOK_RETRY_SECONDS: '0' });
  const { db } = createDatabase(config.DATABASE_URL!, { poolSize: 4, logger: testLogger });
  second = { app: await buildApp({ config, db, logger: testLogger }), db };
  providers.push(builtinProviderFor({ config: first.config, db: first.db, logger: testLogger }), builtinProviderFor({ config, db, logger: testLogger }));
});
after(async () => {
  await second.app.close();
  await second.db.destroy();
  await first.close();
  await new Promise((resolve) => receiver.close(resolve));
});

/** Payments paid at the provider through one process, which starts sending their webhooks at once (not awaited). */
async function payAtProvider(count: number, through: BuiltinProvider): Promise<string[]> {
  const item = await buildPaymentItem(first.db);
  const deps = { ...paymentDeps({ config: first.config, db: first.db, logger: testLogger }), provider: through };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { payment } = await createPayment(deps, systemContext('test'), { itemId: item.id, purpose: 'counter', idempotencyKey: newKey() });
    const providerId = (await paymentRow(first.db, payment.id)).provider_payment_id!;
    await through.pay(providerId, '4242424242424242');
    ids.push(providerId);
  }
  return ids;
}

const eventsOf = async (ids: string[]) => (await Promise.all(ids.map((id) => providerStore.webhookEvents(first.db, id)))).flat();

/** Paid payments whose first webhook attempts are over. */
async function paidPayments(count: number, through: BuiltinProvider) {
  const ids = await payAtProvider(count, through);
  await waitFor('first attempts end', async () => (await eventsOf(ids)).every((e) => e.attempts > 0 || e.delivered_at !== null));
  return eventsOf(ids);
}

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);

test('two processes retrying at once send each due webhook once', async () => {
  mode = 'down';
  const events = await paidPayments(10, providers[0]!);
  assert.equal(events.length, 20, 'submitted and success, for each payment');
  assert.ok(events.every((e) => e.attempts === 1 && e.delivered_at === null), 'the merchant was down for the first attempts');
  mode = 'up';
  // Both processes' loops come round together, twice each, once every retry is due.
  const later = minutesFromNow(10);
  const accepted = await Promise.all([...providers, ...providers].map((p) => p.redeliver(later)));
  assert.equal(accepted.reduce((a, b) => a + b, 0), 20);
  for (const event of events) assert.equal(received.get((event.body as { eventId: string }).eventId), 1);
  const after = await Promise.all(events.map((e) => providerStore.webhookEvents(first.db, e.payment_id)));
  assert.ok(after.flat().every((e) => e.delivered_at !== null));
});

test('a webhook being sent by the process that made it is not sent again by another', async () => {
  hold();
  const ids = await payAtProvider(3, providers[0]!);
  // The first process's sends are under way (the merchant is slow to answer) while the other's loop comes round.
  await waitFor('the first sends reach the merchant', async () => held === 6);
  const others = Promise.all([1, 2, 3].map(() => providers[1]!.redeliver()));
  release();
  assert.deepEqual(await others, [0, 0, 0]);
  await waitFor('the first sends are answered', async () => (await eventsOf(ids)).every((e) => e.delivered_at !== null));
  for (const event of await eventsOf(ids)) assert.equal(received.get((event.body as { eventId: string }).eventId), 1);
  mode = 'up';
});

test('a webhook a process claimed and then died with is sent by another once the claim runs out', async () => {
  mode = 'down';
  const events = await paidPayments(2, providers[0]!);
  mode = 'up';
  const later = minutesFromNow(10);
  // A process claims them, and dies before sending (nothing else happens on its side).
  const claimed = await providerStore.claimDueWebhookEvents(first.db, later, 100);
  assert.deepEqual(claimed.map((e) => e.id).sort(), events.map((e) => e.id).sort());
  assert.equal(await providers[1]!.redeliver(later), 0, 'not while the claim holds');
  const claimEnds = new Date(later.getTime() + (providerStore.WEBHOOK_CLAIM_SECONDS + 1) * 1000);
  assert.equal(await providers[1]!.redeliver(claimEnds), 4);
  assert.equal(await providers[0]!.redeliver(claimEnds), 0);
  for (const event of events) assert.equal(received.get((event.body as { eventId: string }).eventId), 1);
});
