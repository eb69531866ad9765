import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createTestApp, type TestApp } from './support/app.ts';
import { Browser, buildCitizen } from './support/identity-factories.ts';
import { auditCount, buildFeeService, paymentRow } from './support/payments-factories.ts';
import { runSmartgov, startSmartgov, type SmartgovProcess } from './support/process.ts';
import { waitFor } from './support/wait.ts';
import * as providerStore from '../src/payments/provider/store.ts';
import { WEBHOOK_PATH } from '../src/payments/provider/builtin.ts';
import { SIGNATURE_HEADER, signWebhook, webhookSecret } from '../src/payments/provider/signature.ts';

// The "Done when": a server killed (SIGKILL, a real process) between the provider's success and our webhook
// handling ends, after restart and reconciliation, with the payment recorded once and the application moved on once.
//
// Deterministic without timing: the first server's BASE_URL names the address the restarted server will take, where
// nothing handles webhooks yet, so the provider's webhooks cannot reach us before the kill; they reach the new server later.
let t: TestApp;
// Every process shares one secret, as a deployment's do: it also keys the built-in provider's webhook signatures, and
// this test process's own app (used to set up the service) runs a provider retry loop of its own on the same database.
const SECRET = 'payments-crash-test-secret-of-at-least-32-characters';
const running: SmartgovProcess[] = [];
before(async () => { t = await createTestApp({ SESSION_SECRET: SECRET }); });
after(async () => {
  for (const server of running) await server.kill9();
  await t.close();
});

function start(port: number, baseUrl: string): SmartgovProcess {
  const server = startSmartgov({
    DATABASE_URL: t.config.DATABASE_URL, NODE_ENV: 'test', SEED_SAMPLE_DATA: 'false', HOST: '127.0.0.1', PORT: String(port), BASE_URL: baseUrl,
    SESSION_SECRET: SECRET,
  });
  running.push(server);
  return server;
}

const reconcile = () => runSmartgov(['payments', 'reconcile', '--older-than-minutes', '0'], { DATABASE_URL: t.config.DATABASE_URL, SESSION_SECRET: SECRET });

async function applicationOf(id: string) {
  const application = await t.db.selectFrom('applications').select(['status']).where('id', '=', id).executeTakeFirstOrThrow();
  const submittedEvents = await t.db.selectFrom('application_events').select('id').where('application_id', '=', id).where('kind', '=', 'submitted').execute();
  return { status: application.status, submittedEvents: submittedEvents.length, submittedAudits: await auditCount(t.db, 'application.submitted', id) };
}

test('a server killed after the provider took the money, before our webhook handling, settles once after restart and reconciliation', async () => {
  const { slug } = await buildFeeService(t);
  const citizen = await buildCitizen(t.db);
  // The restarted server's address is held meanwhile by a stand-in that refuses every request (as a server that is down
  // would), so no other test can take the port and nothing can handle the provider's webhooks.
  const standIn = createServer((_request, response) => void response.writeHead(503).end());
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const laterPort = (standIn.address() as { port: number }).port;
  const laterBase = `http://127.0.0.1:${laterPort}`;

  // 1. The citizen applies and pays on the first server; the provider records success and tries to send its webhooks.
  const first = start(0, laterBase);
  const browser = new Browser(await first.address);
  const signIn = await browser.follow('/account/sign-in', laterBase);
  assert.equal((await browser.submit(signIn, { email: citizen.email, password: citizen.password }, laterBase)).response.status, 200);
  const service = await browser.follow(`/services/${slug}`, laterBase);
  const step = await browser.submit(service, {}, laterBase, `/services/${slug}/apply`);
  const applicationId = /\/applications\/([0-9a-f-]{36})\/steps\/declaration$/.exec(step.url)![1]!;
  const check = await browser.submit(step, { declare: 'yes' }, laterBase);
  const payment = await browser.submit(check, {}, laterBase, `/applications/${applicationId}/submit`);
  const paymentId = /\/payments\/([0-9a-f-]{36})$/.exec(payment.url)![1]!;
  const toProvider = await browser.follow(`/payments/${paymentId}/pay`, laterBase);
  const hostedPath = new URL(toProvider.url).pathname;
  assert.match(hostedPath, /^\/pay\/provider\/payments\/[0-9a-f-]{36}$/);
  const hosted = await browser.follow(hostedPath, laterBase);
  const paid = await browser.submit(hosted, { cardNumber: '4242424242424242' }, laterBase, `${hostedPath}/pay`);
  assert.equal(paid.url, `${laterBase}/payments/${paymentId}/return`, 'the provider sends the payer back; the payer never arrives');

  // 2. The provider has the money; we have heard nothing. Kill -9.
  const providerPaymentId = (await paymentRow(t.db, paymentId)).provider_payment_id!;
  assert.equal((await providerStore.paymentById(t.db, providerPaymentId))!.state, 'success');
  await first.kill9();
  assert.notEqual((await paymentRow(t.db, paymentId)).state, 'success');
  assert.deepEqual(await applicationOf(applicationId), { status: 'awaiting_payment', submittedEvents: 0, submittedAudits: 0 });
  const undelivered = await providerStore.webhookEvents(t.db, providerPaymentId);
  assert.ok(undelivered.length >= 1 && undelivered.every((e) => e.delivered_at === null), 'no webhook reached us');

  // 3. Restart, and reconcile as the operator would: a separate `smartgov payments reconcile` process. The provider's
  // next retry is set for later, so the reconciliation is what settles the payment (the retry comes in step 4).
  await t.db.updateTable('provider_webhook_events').set({ next_attempt_at: new Date(Date.now() + 3_600_000) }).where('payment_id', '=', providerPaymentId).execute();
  await new Promise((resolve) => standIn.close(resolve));
  const restarted = start(laterPort, laterBase);
  assert.equal(await restarted.address, laterBase);
  const reconciled = await reconcile();
  assert.equal(reconciled.code, 0, reconciled.stderr);
  assert.match(reconciled.stdout, /1 settled, 0 refunds sent, 0 could not be checked/);
  const settled = await paymentRow(t.db, paymentId);
  assert.equal(settled.state, 'success');
  assert.equal(await auditCount(t.db, 'payment.settled', paymentId), 1);
  assert.deepEqual(await applicationOf(applicationId), { status: 'submitted', submittedEvents: 1, submittedAudits: 1 });

  // 4. The provider's late webhooks reach the restarted server (its retry loop), and a duplicate besides: nothing changes.
  await t.db.updateTable('provider_webhook_events').set({ next_attempt_at: new Date(0) }).where('payment_id', '=', providerPaymentId).execute();
  for (const event of undelivered) {
    const body = JSON.stringify(event.body);
    const late = await fetch(`${laterBase}${WEBHOOK_PATH}`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(webhookSecret(SECRET), body) },
    });
    assert.equal(late.status, 204);
  }
  await waitFor('the restarted server takes the retried webhooks within its retry period',
    async () => (await providerStore.webhookEvents(t.db, providerPaymentId)).every((e) => e.delivered_at !== null), { timeoutMs: 120_000, everyMs: 500 });
  assert.match((await reconcile()).stdout, /0 settled/);
  assert.equal((await paymentRow(t.db, paymentId)).settled_at!.getTime(), settled.settled_at!.getTime());
  assert.equal(await auditCount(t.db, 'payment.settled', paymentId), 1);
  assert.deepEqual(await applicationOf(applicationId), { status: 'submitted', submittedEvents: 1, submittedAudits: 1 });
  const feePayments = await t.db.selectFrom('payments').select(['id', 'state']).where('reference', '=', applicationId).execute();
  assert.deepEqual(feePayments, [{ id: paymentId, state: 'success' }], 'one payment for the application, recorded once as paid');
  const page = await browser.follow(`${laterBase}/payments/${paymentId}`, 'http://127.0.0.1:9/');
  assert.match(page.body, /Your payment was received/);
});
