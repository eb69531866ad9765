import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Client, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { testLogger } from '../../../test/support/database.ts';
import { deliverDue, transportsFor } from './index.ts';

/** A real SMTP server on 127.0.0.1 that keeps what it receives and refuses recipients at `refused.example.test`. */
async function startSmtpServer(port = 0) {
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
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((resolve) => server.close(resolve)) };
}

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
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
  let port: number;
  let t: TestApp;
  before(async () => {
    port = await freePort();
    t = await createTestApp({ MAIL_TRANSPORT: 'smtp', SMTP_URL: `smtp://127.0.0.1:${port}` });
  });
  after(async () => { await t.close(); });

  test('the visitor is told the code may be late; the message stays queued and goes out when the server is back', async () => {
    const response = await register(t, 'lee.mei@example.test');
    assert.equal(response.statusCode, 303);
    assert.match(String(response.headers.location), /delayed=1/);
    const confirm = await new Client(t.app).get(String(response.headers.location));
    assert.match(confirm.body, /Sending is taking longer than usual/);
    const queued = await t.db.selectFrom('outbox_messages').selectAll().where('recipient', '=', 'lee.mei@example.test').executeTakeFirstOrThrow();
    assert.equal(queued.sent_at, null);
    assert.equal(queued.failed_at, null);
    assert.match(queued.last_error ?? '', /ECONNREFUSED/);

    const smtp = await startSmtpServer(port);
    try {
      await t.db.updateTable('outbox_messages').set({ next_attempt_at: new Date() }).where('id', '=', queued.id).execute();
      assert.equal(await deliverDue(t.db, transportsFor(t.config, testLogger), testLogger), 1);
      assert.equal(smtp.received.length, 1);
      assert.match(smtp.received[0]!.subject ?? '', /^iAM Smart: your code is \d{6}$/);
      const sent = await t.db.selectFrom('outbox_messages').select(['sent_at', 'attempts']).where('id', '=', queued.id).executeTakeFirstOrThrow();
      assert.ok(sent.sent_at);
      assert.equal(sent.attempts, 2);
    } finally {
      await smtp.close();
    }
  });

  test('a code that expired while the server was down is not sent late', async () => {
    await register(t, 'late@example.test');
    const row = await t.db.updateTable('outbox_messages').set({ next_attempt_at: new Date(), deliver_before: new Date(Date.now() - 1000) }).where('recipient', '=', 'late@example.test').returning('id').executeTakeFirstOrThrow();
    await deliverDue(t.db, transportsFor(t.config, testLogger), testLogger);
    const given = await t.db.selectFrom('outbox_messages').select(['failed_at', 'last_error']).where('id', '=', row.id).executeTakeFirstOrThrow();
    assert.ok(given.failed_at);
    assert.match(given.last_error ?? '', /expired/);
  });
});
