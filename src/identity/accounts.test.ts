import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildCitizen, signInCitizen, totpNow } from '../../test/support/identity-factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const lastMail = async (to: string) =>
  (await t.db.selectFrom('outbox_messages').selectAll().where('recipient', '=', to).orderBy('created_at', 'desc').executeTakeFirstOrThrow());

describe('registration with a verified email', () => {
  test('a visitor registers with the emailed code, which works only once', async () => {
    const client = new Client(t.app);
    const email = 'new.citizen@example.test';
    const started = await client.submit('/account/register', '/account/register', { email });
    assert.equal(started.statusCode, 303);
    const confirmPage = started.headers.location!.toString();
    const challenge = new URL(confirmPage, 'http://x').searchParams.get('challenge')!;
    const code = /code is (\d{6})/.exec((await lastMail(email)).subject!)![1]!;
    const wrong = await client.submit(confirmPage, '/account/register/confirm', { challenge, code: code === '000000' ? '111111' : '000000', password: 'a long enough password' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /class="error-summary"/);
    const done = await client.submit(confirmPage, '/account/register/confirm', { challenge, code, password: 'a long enough password' });
    assert.equal(done.statusCode, 303);
    assert.equal((await client.get('/account')).statusCode, 200);
    const replay = await new Client(t.app).submit(confirmPage, '/account/register/confirm', { challenge, code, password: 'a long enough password' });
    assert.equal(replay.statusCode, 400, 'a code works once');
  });

  test('a visitor registers with a mobile number (code by text message) and signs in with it', async () => {
    const client = new Client(t.app);
    const started = await client.submit('/account/register', '/account/register', { email: '9876 5432' });
    assert.equal(started.statusCode, 303);
    const confirmPage = started.headers.location!.toString();
    const challenge = new URL(confirmPage, 'http://x').searchParams.get('challenge')!;
    const text = await t.db.selectFrom('outbox_messages').select('body').where('channel', '=', 'sms').where('recipient', '=', '+85298765432').executeTakeFirstOrThrow();
    const code = /code is (\d{6})/.exec(text.body)![1]!;
    assert.equal((await client.submit(confirmPage, '/account/register/confirm', { challenge, code, password: 'a long enough password' })).statusCode, 303);
    const signedIn = await signInCitizen(t.app, { email: '+852 9876 5432', password: 'a long enough password', totpCode: () => '' });
    const profile = await signedIn.get('/account/profile');
    assert.match(profile.body, /\+85298765432/);
    assert.match(profile.body, /Verified/);
  });

  test('a known address gets the same answer as an unknown one, and its owner a notice', async () => {
    const citizen = await buildCitizen(t.db);
    const known = await new Client(t.app).submit('/account/register', '/account/register', { email: citizen.email });
    const unknown = await new Client(t.app).submit('/account/register', '/account/register', { email: 'nobody.yet@example.test' });
    assert.equal(known.statusCode, 303);
    assert.equal(unknown.statusCode, 303);
    assert.match((await lastMail(citizen.email)).subject!, /already have an account/);
  });

  test('guessing is limited: after five wrong codes even the right one fails', async () => {
    const client = new Client(t.app);
    const email = 'guess@example.test';
    const started = await client.submit('/account/register', '/account/register', { email });
    const confirmPage = started.headers.location!.toString();
    const challenge = new URL(confirmPage, 'http://x').searchParams.get('challenge')!;
    const code = /code is (\d{6})/.exec((await lastMail(email)).subject!)![1]!;
    for (let i = 0; i < 5; i++) await client.submit(confirmPage, '/account/register/confirm', { challenge, code: String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'), password: 'a long enough password' });
    const right = await client.submit(confirmPage, '/account/register/confirm', { challenge, code, password: 'a long enough password' });
    assert.equal(right.statusCode, 400);
  });

  test('a NUL character in any field is a 400, never a 500', async () => {
    const register = await new Client(t.app).submit('/account/register', '/account/register', { email: 'a\u0000b@example.test' });
    assert.equal(register.statusCode, 400);
    const signIn = await new Client(t.app).submit('/account/sign-in', '/account/sign-in', { email: 'a\u0000b@example.test', password: 'x\u0000' });
    assert.equal(signIn.statusCode, 400);
  });

  test('a bad email address and a short password are named in the error summary', async () => {
    const bad = await new Client(t.app).submit('/account/register', '/account/register', { email: 'not-an-address' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#field-email"/);
  });
});

describe('sign-in, two-step verification, devices', () => {
  test('wrong password and unknown account get the same answer', async () => {
    const citizen = await buildCitizen(t.db);
    const wrong = await new Client(t.app).submit('/account/sign-in', '/account/sign-in', { email: citizen.email, password: 'not the password' });
    const unknown = await new Client(t.app).submit('/account/sign-in', '/account/sign-in', { email: 'nobody@example.test', password: 'not the password' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.match(wrong.body, /The email address or mobile number, or the password, is not right/);
    assert.match(unknown.body, /The email address or mobile number, or the password, is not right/);
  });

  test('a citizen turns on TOTP, gets recovery codes, and then signs in with password and code', async () => {
    const citizen = await buildCitizen(t.db);
    const client = await signInCitizen(t.app, citizen);
    assert.equal((await client.submit('/account/security', '/account/security/totp', {})).statusCode, 303);
    const page = await client.get('/account/security');
    const secret = /data-totp-secret="([A-Z2-7]+)"/.exec(page.body)![1]!;
    const bad = await client.submit('/account/security', '/account/security/totp/confirm', { code: 'abc' });
    assert.equal(bad.statusCode, 400);
    const confirmed = await client.submit('/account/security', '/account/security/totp/confirm', { code: totpNow(secret) });
    assert.equal(confirmed.statusCode, 200);
    const recovery = [...confirmed.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    assert.equal(recovery.length, 10);

    const second = new Client(t.app);
    const step1 = await second.submit('/account/sign-in', '/account/sign-in', { email: citizen.email, password: citizen.password });
    assert.match(step1.headers.location!.toString(), /^\/account\/sign-in\/code/);
    assert.equal((await second.submit('/account/sign-in/code', '/account/sign-in/code', { code: '000000' })).statusCode, 401);
    const step2 = await second.submit('/account/sign-in/code', '/account/sign-in/code', { code: recovery[0]! });
    assert.equal(step2.statusCode, 303);
    assert.match((await second.get('/account')).body, /two-step/);
    const reused = new Client(t.app);
    await reused.submit('/account/sign-in', '/account/sign-in', { email: citizen.email, password: citizen.password });
    assert.equal((await reused.submit('/account/sign-in/code', '/account/sign-in/code', { code: recovery[0]! })).statusCode, 401, 'a recovery code works once');
  });

  test('the second step cannot be reached without the password step', async () => {
    const response = await new Client(t.app).submit('/account/sign-in', '/account/sign-in/code', { code: '123456' });
    assert.equal(response.statusCode, 401);
  });

  test('devices are listed, and signing out everywhere ends every session', async () => {
    const citizen = await buildCitizen(t.db);
    const phone = await signInCitizen(t.app, citizen);
    const laptop = await signInCitizen(t.app, citizen);
    const devices = await laptop.get('/account/devices');
    assert.equal((devices.body.match(/<tr>/g) ?? []).length, 3, 'a header row and two sessions');
    assert.equal((await laptop.submit('/account/devices', '/account/devices/sign-out-everywhere', {})).statusCode, 303);
    assert.equal((await phone.get('/account')).statusCode, 303);
    assert.equal((await laptop.get('/account')).statusCode, 303);
  });

  test('a session gets a new id at sign-in, and sign-out ends it', async () => {
    const citizen = await buildCitizen(t.db);
    const client = new Client(t.app);
    client.cookies.set('sg_citizen', 'planted-by-an-attacker');
    await client.submit('/account/sign-in', '/account/sign-in', { email: citizen.email, password: citizen.password });
    assert.notEqual(client.cookies.get('sg_citizen'), 'planted-by-an-attacker');
    assert.equal((await client.submit('/account', '/account/sign-out', {})).statusCode, 303);
    assert.equal((await client.get('/account')).headers.location, '/account/sign-in?return=%2Faccount');
  });

  test('an idle session ends after 30 minutes', async () => {
    const citizen = await buildCitizen(t.db);
    const client = await signInCitizen(t.app, citizen);
    await t.db.updateTable('citizen_sessions').set({ last_seen_at: new Date(Date.now() - 31 * 60_000) }).where('citizen_id', '=', citizen.id).execute();
    assert.equal((await client.get('/account')).statusCode, 303);
  });
});

describe('e-ME profile', () => {
  test('the citizen edits their profile; changes are self-declared; bad dates are named', async () => {
    const citizen = await buildCitizen(t.db);
    const client = await signInCitizen(t.app, citizen);
    const bad = await client.submit('/account/profile', '/account/profile', { name_en: 'CHAN, Tai Man', date_of_birth: '2990-01-01' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#field-date_of_birth"/);
    const badGender = await client.submit('/account/profile', '/account/profile', { name_en: 'CHAN, Tai Man', gender: 'unknown' });
    assert.equal(badGender.statusCode, 400);
    assert.match(badGender.body, /href="#field-gender"/);
    const saved = await client.submit('/account/profile', '/account/profile', { name_en: 'CHAN, Siu Ming', name_zh: '陳小明', date_of_birth: '1990-05-01', gender: 'male', phone: '+852 9123 4567' });
    assert.equal(saved.statusCode, 303);
    const page = await client.get('/account/profile?saved=1');
    assert.match(page.body, /陳小明/);
    assert.match(page.body, /<option value="male" selected>Male<\/option>/);
    assert.match(page.body, /Self-declared/);
    assert.match(page.body, /Verified/);
    const zh = await client.get('/account/profile?lang=zh-HK');
    assert.match(zh.body, /自行申報/);
  });

  test('the mobile number is verified with a code sent by text message (development outbox)', async () => {
    const citizen = await buildCitizen(t.db, { profile: { phone: '+852 9123 4567' } });
    const client = await signInCitizen(t.app, citizen);
    assert.match((await client.get('/account/profile')).body, /Verify my mobile number/);
    assert.equal((await client.submit('/account/profile', '/account/profile/phone', {})).statusCode, 303);
    const text = await t.db.selectFrom('outbox_messages').select('body').where('channel', '=', 'sms').where('recipient', '=', '+85291234567').executeTakeFirstOrThrow();
    const code = /code is (\d{6})/.exec(text.body)![1]!;
    const bad = await client.submit('/account/profile/phone', '/account/profile/phone/confirm', { code: code === '000000' ? '111111' : '000000' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#field-code"/);
    assert.equal((await client.submit('/account/profile/phone', '/account/profile/phone/confirm', { code })).statusCode, 303);
    const page = await client.get('/account/profile?phone=verified');
    assert.match(page.body, /Your mobile number is verified/);
    assert.doesNotMatch(page.body, /Verify my mobile number/);
    assert.equal((await client.submit('/account/profile/phone', '/account/profile/phone/confirm', { code })).statusCode, 400, 'a code works once');
  });

  test('withdrawing a service that was never connected is "not found"; TOTP cannot be set up twice', async () => {
    const citizen = await buildCitizen(t.db, { totp: true });
    const client = await signInCitizen(t.app, citizen);
    assert.equal((await client.submit('/account', '/account/services/not-connected/withdraw', {})).statusCode, 404);
    assert.equal((await client.submit('/account', '/account/security/totp', {})).statusCode, 409);
  });

  test('visitors are sent to sign in', async () => {
    const response = await new Client(t.app).get('/account/profile');
    assert.equal(response.statusCode, 303);
  });
});

describe('sample data', () => {
  test('sample citizens and a sample service are seeded once, clearly labelled', async () => {
    const { seedIdentity, SAMPLE_CITIZEN_PASSWORD } = await import('./index.ts');
    const { systemContext } = await import('../platform/context.ts');
    const { testLogger } = await import('../../test/support/database.ts');
    const fresh = await createTestApp();
    try {
      assert.equal(await seedIdentity(fresh.db, systemContext('test'), testLogger), true);
      assert.equal(await seedIdentity(fresh.db, systemContext('test'), testLogger), false);
      const client = await signInCitizen(fresh.app, { email: 'chan.taiman@sample.example', password: SAMPLE_CITIZEN_PASSWORD, totpCode: () => '' });
      assert.match((await client.get('/account/profile')).body, /CHAN, Tai Man \(sample\)/);
    } finally {
      await fresh.close();
    }
  });
});
