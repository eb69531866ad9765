import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp({ CITIZEN_SESSION_IDLE_MINUTES: '5', CITIZEN_SESSION_MAX_HOURS: '2' }); });
after(async () => { await t.close(); });

const idleFor = (citizenId: string, minutes: number) =>
  t.db.updateTable('citizen_sessions').set({ last_seen_at: new Date(Date.now() - minutes * 60_000) }).where('citizen_id', '=', citizenId).execute();

test('citizen sessions end after the configured idle time and last the configured hours in all', async () => {
  const citizen = await buildCitizen(t.db);
  const client = await signInCitizen(t.app, citizen);
  const session = await t.db.selectFrom('citizen_sessions').select(['expires_at', 'created_at']).where('citizen_id', '=', citizen.id).executeTakeFirstOrThrow();
  assert.equal(Math.round((session.expires_at.getTime() - session.created_at.getTime()) / 60_000), 120);

  await idleFor(citizen.id, 4);
  assert.equal((await client.get('/account')).statusCode, 200, 'four minutes idle is within five');
  await idleFor(citizen.id, 6);
  const after = await client.get('/account');
  assert.equal(after.statusCode, 303);
  assert.match(String(after.headers.location), /^\/account\/sign-in/);
});
