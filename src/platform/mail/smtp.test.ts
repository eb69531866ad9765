import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Client, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { testLogger } from '../../../test/support/database.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { deliverDue, transportsFor } from './index.ts';

/** A real SMTP server on 127.0.0.1 that keeps what it receives and refuses recipients at `refused.example.test`. */
function smtpServer() {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.endsWith('@refused.example.test')) return callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => { received.push(mail); callback(); }, callback);
    },
  });
  return { server, received };
}

async function startSmtpServer() {
  const { server, received } = smtpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((resolve) => server.close(resolve)) };
}

/**
 * A mail server that is down, then back, on a port held throughout (a port closed and bound again later could be
 * taken meanwhile): while down, each connection is reset as it arrives; once back, connections go to a real SMTP server.
 */
async function downThenBackSmtpServer() {
  const { server, received } = smtpServer();
  let up = false;
  const port = createServer((socket) => {
    if (up) server.server.emit('connection', socket);
    else socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => port.listen(0, '127.0.0.1', resolve));
  return {
    port: (port.address() as AddressInfo).port, received,
    comeBack: () => { up = true; },
    goDown: () => { up = false; },
    close: async () => {
      await new Promise<void>((resolve) => server.close(resolve));
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}

const register = (t: TestApp, email: string, language = 'en') =>
  new Client(t.app, { accept: 'text/html', 'accept-language': language }).submit('/account/register', '/account/register', { email });

describe('email through a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;
  before(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ MAIL_TRANSPORT: 'smtp', SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'iAM Smart <no-reply@gov.example.test>' });
  });
  after(async () => { await t.close(); await smtp.close(); });

  test('a registration code arrives, to the right person, in the language they registered in', async () => {
    const response = await register(t, 'Chan.SiuMing@example.test', 'zh-HK');
    assert.equal(response.statusCode, 303);
    assert.doesNotMatch(String(response.headers.location), /delayed/);
    const mail = smtp.received.at(-1)!;
    assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : '', 'chan.siuming@example.test');
    assert.equal(mail.from?.text, '"iAM Smart" <no-reply@gov.example.test>');
    const code = /(\d{6})/.exec(mail.subject ?? '')?.[1];
    assert.ok(code, mail.subject);
    assert.equal(mail.subject, `「智方便」：你的驗證碼是 ${code}`);
    assert.match(mail.text ?? '', new RegExp(`你的「智方便」確認驗證碼是 ${code}。`));
    const row = await t.db.selectFrom('outbox_messages').selectAll().where('recipient', '=', 'chan.siuming@example.test').executeTakeFirstOrThrow();
    assert.ok(row.sent_at, 'marked delivered');
    assert.equal(row.attempts, 1);

    const english = await register(t, 'wong.ka.yan@example.test');
    assert.equal(english.statusCode, 303);
    assert.match(smtp.received.at(-1)!.text ?? '', /^Your iAM Smart confirmation code is \d{6}\./);
  });

  test('a recipient the server refuses is a clear error on the page, not a 500, and is not retried', async () => {
    const response = await register(t, 'nobody@refused.example.test');
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /We could not deliver a message to this address or number/);
    const row = await t.db.selectFrom('outbox_messages').selectAll().where('recipient', '=', 'nobody@refused.example.test').executeTakeFirstOrThrow();
    assert.ok(row.failed_at);
    assert.match(row.last_error ?? '', /SMTP 550 after RCPT TO/);
  });
});

describe('email while the SMTP server is down', () => {
  let smtp: Awaited<ReturnType<typeof downThenBackSmtpServer>>;
  let t: TestApp;
  before(async () => {
    smtp = await downThenBackSmtpServer();
    t = await createTestApp({ MAIL_TRANSPORT: 'smtp', SMTP_URL: `smtp://127.0.0.1:${smtp.port}` });
  });
  after(async () => { await t.close(); await smtp.close(); });

  // The app's own delivery loop runs too (as in every process), so what is checked is the message's state, never
  // which process delivered it.
  const messageTo = (recipient: string) => t.db.selectFrom('outbox_messages').selectAll().where('recipient', '=', recipient).executeTakeFirstOrThrow();

  test('the visitor is told the code may be late; the message stays queued and goes out once when the server is back', async () => {
    const response = await register(t, 'lee.mei@example.test');
    assert.equal(response.statusCode, 303);
    assert.match(String(response.headers.location), /delayed=1/);
    const confirm = await new Client(t.app).get(String(response.headers.location));
    assert.match(confirm.body, /Sending is taking longer than usual/);
    const queued = await messageTo('lee.mei@example.test');
    assert.equal(queued.sent_at, null);
    assert.equal(queued.failed_at, null);
    assert.match(queued.last_error ?? '', /^SMTP E[A-Z]+/);
    assert.ok(queued.next_attempt_at > new Date(), 'retried later, not at once');

    smtp.comeBack();
    await t.db.updateTable('outbox_messages').set({ next_attempt_at: new Date() }).where('id', '=', queued.id).execute();
    // Another process's loop (or the app's own) may take it first: then this explicit call finds nothing to do.
    const transports = transportsFor(t.config, testLogger);
    const first = await deliverDue(t.db, transports, testLogger);
    const second = await deliverDue(t.db, transports, testLogger);
    assert.ok(first + second <= 1, 'claimed once');
    await waitFor('the queued code is delivered', async () => (await messageTo('lee.mei@example.test')).sent_at !== null);
    assert.equal(smtp.received.length, 1);
    assert.match(smtp.received[0]!.subject ?? '', /^iAM Smart: your code is \d{6}$/);
    assert.equal((await messageTo('lee.mei@example.test')).attempts, 2);
  });

  test('a code that expired while the server was down is not sent late', async () => {
    smtp.goDown();
    assert.match(String((await register(t, 'late@example.test')).headers.location), /delayed=1/);
    await t.db.updateTable('outbox_messages').set({ next_attempt_at: new Date(), deliver_before: new Date(Date.now() - 1000) }).where('recipient', '=', 'late@example.test').execute();
    await deliverDue(t.db, transportsFor(t.config, testLogger), testLogger);
    await waitFor('the expired code is given up', async () => (await messageTo('late@example.test')).failed_at !== null);
    const given = await messageTo('late@example.test');
    assert.match(given.last_error ?? '', /expired/);
    assert.equal(given.sent_at, null);
    assert.ok(!smtp.received.some((mail) => mail.to && !Array.isArray(mail.to) && mail.to.text === 'late@example.test'));
  });
});
