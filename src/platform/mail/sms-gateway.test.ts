import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, createTestApp, signInStaff, type TestApp } from '../../../test/support/app.ts';
import { buildStaff } from '../../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../../test/support/identity-factories.ts';
import { testLogger } from '../../../test/support/database.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { deliverDue, logTransport, outboxSms, smsGatewayTransport, transportsFor } from './index.ts';

interface Received { authorization: string | undefined; idempotencyKey: string | undefined; body: { to: string; text: string; reference: string } }

/**
 * A stand-in SMS gateway on 127.0.0.1 that records every request. The last digits of the number choose its answer:
 * …400 refuses the number, …503 is down (until the number is in `back`), …999 never answers; any other number is accepted.
 */
function startGateway(): Promise<{ url: string; received: Received[]; back: Set<string>; server: Server }> {
  const received: Received[] = [];
  const back = new Set<string>();
  const server = createServer((request: IncomingMessage, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => { raw += chunk.toString(); });
    request.on('end', () => {
      const body = JSON.parse(raw) as Received['body'];
      received.push({ authorization: request.headers.authorization, idempotencyKey: request.headers['idempotency-key'] as string | undefined, body });
      if (body.to.endsWith('999')) return;
      const status = body.to.endsWith('400') ? 400 : body.to.endsWith('503') && !back.has(body.to) ? 503 : 202;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/messages`, received, back, server })));
}

let gateway: Awaited<ReturnType<typeof startGateway>>;
let t: TestApp;
before(async () => {
  gateway = await startGateway();
  t = await createTestApp({ SMS_TRANSPORT: 'http', SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: 'gateway-token-for-tests' });
});
after(async () => {
  await t.close();
  gateway.server.closeAllConnections();
  await new Promise((resolve) => gateway.server.close(resolve));
});

const register = (number: string, language = 'en') =>
  new Client(t.app, { accept: 'text/html', 'accept-language': language }).submit('/account/register', '/account/register', { email: number });
const rowFor = (to: string) => t.db.selectFrom('outbox_messages').selectAll().where('recipient', '=', to).orderBy('created_at', 'desc').executeTakeFirstOrThrow();

test('a registration code is posted to the gateway as JSON with the token, in the visitor\'s language', async () => {
  const response = await register('9123 4567', 'zh-HK');
  assert.equal(response.statusCode, 303);
  assert.doesNotMatch(String(response.headers.location), /delayed/);
  const request = gateway.received.at(-1)!;
  assert.equal(request.authorization, 'Bearer gateway-token-for-tests');
  assert.equal(request.body.to, '+85291234567');
  assert.match(request.body.text, /^「智方便」：你的「智方便」確認驗證碼是 \d{6}。/);
  const row = await rowFor('+85291234567');
  assert.equal(request.body.reference, row.id);
  assert.equal(request.idempotencyKey, row.id);
  assert.ok(row.sent_at);
});

test('a gateway that is down (503) keeps the code queued and the page says it may be late; it goes out on retry', async () => {
  const response = await register('+85260000503');
  assert.equal(response.statusCode, 303);
  assert.match(String(response.headers.location), /delayed=1/);
  const queued = await rowFor('+85260000503');
  assert.equal(queued.sent_at, null);
  assert.equal(queued.failed_at, null);
  assert.equal(queued.last_error, 'SMS gateway answered 503');
  // The gateway is back; the queue sends the same code once, whichever process claims it (the app's own delivery
  // loop runs too, so the message's state is checked, never who sent it).
  gateway.back.add('+85260000503');
  await t.db.updateTable('outbox_messages').set({ next_attempt_at: new Date() }).where('id', '=', queued.id).execute();
  const transports = transportsFor(t.config, testLogger);
  await Promise.all([deliverDue(t.db, transports, testLogger), deliverDue(t.db, transports, testLogger)]);
  await waitFor('the queued code is delivered', async () => (await rowFor('+85260000503')).sent_at !== null);
  const sent = gateway.received.filter((r) => r.body.to === '+85260000503');
  assert.equal(sent.length, 2, 'refused once, then delivered once');
  assert.equal(sent[1]!.body.text, sent[0]!.body.text);
  assert.equal(sent[1]!.idempotencyKey, queued.id);
});

test('a number the gateway refuses (400) is a clear error on the page, not a 500', async () => {
  const response = await register('+85260000400');
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /We could not deliver a message to this address or number/);
  assert.ok((await rowFor('+85260000400')).failed_at);
});

test('a gateway that never answers times out; the message stays queued for the next attempt', async () => {
  const queued = await outboxSms(t.db, testLogger).send({ to: '+85260000999', text: 'iAM Smart: test' });
  const slow = { email: logTransport(testLogger), sms: smsGatewayTransport({ url: gateway.url, token: 'gateway-token-for-tests', timeoutMs: 200 }) };
  await deliverDue(t.db, slow, testLogger);
  // The app's own loop may have taken it first (with the configured, longer timeout): the outcome is the same.
  await waitFor('the attempt times out', async () => (await rowFor('+85260000999')).last_error !== null);
  const row = await rowFor('+85260000999');
  assert.equal(row.id, queued.id);
  assert.equal(row.sent_at, null);
  assert.equal(row.failed_at, null);
  assert.equal(row.last_error, 'SMS gateway timed out');
  assert.ok(row.next_attempt_at.getTime() > Date.now(), 'waits before the next attempt');
});

test('the console outbox shows delivery, not the codes sent to real people', async () => {
  const admin = await buildStaff(t.db, { roles: ['platform_admin'] });
  const page = await (await signInStaff(t.app, admin.email, admin.password)).get('/console/outbox?to=%2B85260000503');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /withheld/);
  assert.doesNotMatch(page.body, /confirmation code is/);
  assert.match(page.body, /delivered/);
});

test('verifying a profile number: a refused number is an error on the page; a gateway outage says the code may be late', async () => {
  for (const [phone, status, text] of [['+85260001400', 400, /We could not send a text message to this number/], ['+85260001503', 303, null]] as const) {
    const citizen = await buildCitizen(t.db, { profile: { phone } });
    const client = await signInCitizen(t.app, citizen);
    const response = await client.submit('/account/profile', '/account/profile/phone', {});
    assert.equal(response.statusCode, status);
    if (text) assert.match(response.body, text);
    else {
      assert.equal(response.headers.location, '/account/profile/phone?delayed=1');
      assert.match((await client.get('/account/profile/phone?delayed=1')).body, /Sending the text message is taking longer than usual/);
      assert.equal((await rowFor(phone)).failed_at, null, 'still queued');
    }
  }
});
