import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, type TestApp } from '../../../test/support/app.ts';
import { buildStaff } from '../../../test/support/factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp({ BASE_URL: 'https://smartgov.example' }); });
after(async () => { await t.close(); });

test('behind https every cookie is Secure, HttpOnly and SameSite=Lax', async () => {
  const staff = await buildStaff(t.db);
  const client = new Client(t.app);
  const page = await client.get('/preferences/language/zh-HK?return=/console/sign-in');
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, '/console/sign-in');
  const signIn = await client.submit('/console/sign-in', '/console/sign-in', { email: staff.email, password: staff.password });
  assert.equal(signIn.statusCode, 303);
  const cookies = [page, signIn].flatMap((r) => r.cookies);
  assert.ok(cookies.some((c) => c.name === 'sg_staff'));
  for (const cookie of cookies) {
    assert.equal(cookie.secure, true, `${cookie.name} is Secure`);
    assert.equal(cookie.httpOnly, true, `${cookie.name} is HttpOnly`);
    assert.equal(cookie.sameSite, 'Lax', `${cookie.name} is SameSite=Lax`);
  }
  assert.match(signIn.headers['strict-transport-security'] as string, /max-age/);
});

test('the language and lite switches only return to paths on this site', async () => {
  const response = await t.app.inject('/preferences/lite/on?return=https://evil.example/');
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, '/');
  const bad = await t.app.inject({ url: '/preferences/language/fr', headers: { accept: 'application/json' } });
  assert.equal(bad.statusCode, 400);
});
