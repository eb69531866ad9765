import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Client, createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildStaff } from '../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';
import { decryptDocument, documentLookup } from './proofing.ts';

let t: TestApp;
// Its own key, as in production: the document is sealed with IDENTITY_KEY, not with anything derived from SESSION_SECRET.
before(async () => { t = await createTestApp({ IDENTITY_KEY: 'identity-key-for-the-help-desk-tests-0123456789' }); });
after(async () => { await t.close(); });

const officer = async () => {
  const staff = await buildStaff(t.db, { roles: ['officer'] });
  return signInStaff(t.app, staff.email, staff.password);
};

describe('iAM Smart+ identity proofing at a help desk', () => {
  test('an officer records a checked HKID: stored encrypted with a keyed hash, never in the audit log', async () => {
    const citizen = await buildCitizen(t.db, { totp: true });
    const desk = await officer();
    const done = await desk.submit('/console/identity', '/console/identity/proofing', { email: citizen.email, documentType: 'hkid', documentNumber: 'A123456(7)' });
    assert.equal(done.statusCode, 303);
    const row = await t.db.selectFrom('citizens').selectAll().where('id', '=', citizen.id).executeTakeFirstOrThrow();
    assert.ok(row.proofed_at);
    assert.ok(!row.document_ciphertext!.includes('A1234567'));
    assert.equal(decryptDocument(t.config.IDENTITY_KEY, row.document_ciphertext!), 'A1234567');
    assert.throws(() => decryptDocument(t.config.SESSION_SECRET, row.document_ciphertext!));
    assert.equal(row.document_lookup, documentLookup(t.config.IDENTITY_KEY, 'hkid', 'A1234567'));
    const leaked = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE detail::text LIKE '%1234567%'`.execute(t.db);
    assert.equal(leaked.rows[0]!.n, 0);
    // The next sign-in with two-step verification reaches the highest level.
    const client = await signInCitizen(t.app, citizen);
    assert.match((await client.get('/account')).body, /two-step, iAM Smart\+/);
  });

  test('one document, one account; bad numbers are named; citizens and visitors cannot use the desk', async () => {
    const first = await buildCitizen(t.db);
    const second = await buildCitizen(t.db);
    const desk = await officer();
    assert.equal((await desk.submit('/console/identity', '/console/identity/proofing', { email: first.email, documentType: 'passport', documentNumber: 'K9876543' })).statusCode, 303);
    const again = await desk.submit('/console/identity', '/console/identity/proofing', { email: second.email, documentType: 'passport', documentNumber: 'k 987 6543' });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /already linked/);
    const bad = await desk.submit('/console/identity', '/console/identity/proofing', { email: second.email, documentType: 'hkid', documentNumber: '12' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /href="#field-documentNumber"/);
    const unknown = await desk.submit('/console/identity', '/console/identity/proofing', { email: 'nobody@example.test', documentType: 'hkid', documentNumber: 'A1234567' });
    assert.equal(unknown.statusCode, 404);
    const citizen = await signInCitizen(t.app, second);
    assert.notEqual((await citizen.get('/console/identity')).statusCode, 200);
    assert.equal((await new Client(t.app).get('/console/identity')).statusCode, 303);
  });
});

describe('personal code', () => {
  test('the citizen shows a code; an officer confirms it once', async () => {
    const citizen = await buildCitizen(t.db, { profile: { name_en: 'LEE, Siu Fung', name_zh: '李小峰' } });
    const client = await signInCitizen(t.app, citizen);
    const shown = await client.submit('/account/personal-code', '/account/personal-code', {});
    assert.equal(shown.statusCode, 200);
    const code = /data-personal-code="([A-Z0-9-]+)"/.exec(shown.body)![1]!;
    const desk = await officer();
    const wrong = await desk.submit('/console/identity', '/console/identity/personal-code', { code: 'AAAA-AAAA' });
    assert.equal(wrong.statusCode, 400);
    const confirmed = await desk.submit('/console/identity', '/console/identity/personal-code', { code: code.toLowerCase() });
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /李小峰/);
    assert.match(confirmed.body, new RegExp(citizen.email));
    assert.equal((await desk.submit('/console/identity', '/console/identity/personal-code', { code })).statusCode, 400, 'a code works once');
  });

  test('an expired code is refused', async () => {
    const citizen = await buildCitizen(t.db);
    const client = await signInCitizen(t.app, citizen);
    const code = /data-personal-code="([A-Z0-9-]+)"/.exec((await client.submit('/account/personal-code', '/account/personal-code', {})).body)![1]!;
    await t.db.updateTable('citizen_personal_codes').set({ expires_at: new Date(Date.now() - 1000) }).where('citizen_id', '=', citizen.id).execute();
    assert.equal((await (await officer()).submit('/console/identity', '/console/identity/personal-code', { code })).statusCode, 400);
  });
});
