import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildCitizen } from '../../test/support/identity-factories.ts';
import { sweepExpired } from './housekeeping.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('rows that expired more than a day ago are swept; live and recently expired ones stay', async () => {
  const citizen = await buildCitizen(t.db);
  const session = (id: string, expires: number) => ({ id_hash: id, citizen_id: citizen.id, acr: 'urn:smartgov:loa:basic', amr: ['pwd'], expires_at: new Date(Date.now() + expires) });
  await t.db.insertInto('citizen_sessions').values([session('old', -2 * 86_400_000), session('recent', -60_000), session('live', 3_600_000)]).execute();
  await t.db.insertInto('oidc_models').values({ kind: 'Session', id: 'old-model', payload: '{}' as never, grant_id: null, user_code: null, uid: null, expires_at: new Date(Date.now() - 2 * 86_400_000), consumed_at: null }).execute();
  await sweepExpired(t.db);
  const left = (await t.db.selectFrom('citizen_sessions').select('id_hash').where('citizen_id', '=', citizen.id).execute()).map((r) => r.id_hash).sort();
  assert.deepEqual(left, ['live', 'recent']);
  assert.equal((await t.db.selectFrom('oidc_models').select('id').where('id', '=', 'old-model').execute()).length, 0);
});

test('the identity change log is swept after a day; deleting rows that expired long ago writes nothing to it', async () => {
  await sql`INSERT INTO identity_changes (key, changed_at) VALUES ('citizen:old', now() - interval '2 days'), ('citizen:recent', now() - interval '1 hour')`.execute(t.db);
  await t.db.insertInto('oidc_models').values({ kind: 'AccessToken', id: 'long-expired', payload: '{}' as never, grant_id: null, user_code: null, uid: null, expires_at: new Date(Date.now() - 2 * 86_400_000), consumed_at: null }).execute();
  await sweepExpired(t.db);
  const keys = (await sql<{ key: string }>`SELECT key FROM identity_changes WHERE key IN ('citizen:old', 'citizen:recent', 'token:long-expired')`.execute(t.db)).rows.map((r) => r.key);
  assert.deepEqual(keys, ['citizen:recent']);
});
