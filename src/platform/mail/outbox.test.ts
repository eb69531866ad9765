import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from '../../../test/support/app.ts';
import { buildStaff } from '../../../test/support/factories.ts';
import { testLogger } from '../../../test/support/database.ts';
import { outboxMailer, outboxSms } from './mail.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('the development outbox keeps mail and texts; only platform admins read it in the console', async () => {
  await outboxMailer(t.db, testLogger).send({ to: 'Someone@Example.test', subject: 'Hello <b>there</b>', text: 'Your code is 123456' });
  await outboxSms(t.db, testLogger).send({ to: '+85291234567', text: 'iAM Smart: your code is 654321' });
  const admin = await buildStaff(t.db, { roles: ['platform_admin'] });
  const page = await (await signInStaff(t.app, admin.email, admin.password)).get('/console/outbox');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /someone@example\.test/);
  assert.match(page.body, /Hello &lt;b&gt;there&lt;\/b&gt;/, 'message text is escaped');
  assert.match(page.body, /654321/);
  const filtered = await (await signInStaff(t.app, admin.email, admin.password)).get('/console/outbox?to=%2B85291234567');
  assert.doesNotMatch(filtered.body, /someone@example\.test/);

  const officer = await buildStaff(t.db, { roles: ['officer', 'organisation_admin'] });
  assert.equal((await (await signInStaff(t.app, officer.email, officer.password)).get('/console/outbox')).statusCode, 403);
  assert.equal((await new Client(t.app).get('/console/outbox')).statusCode, 303);
});
