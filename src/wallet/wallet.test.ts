import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';
import { systemContext } from '../platform/context.ts';
import { issueDocument } from './index.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

async function issued() {
  const organisation = await buildOrganisation(t.db);
  const citizen = await buildCitizen(t.db, { profile: { name_en: 'CHAN, Tai Man' } });
  const document = await t.db.transaction().execute((trx) => issueDocument(trx, systemContext('test'), t.config.SESSION_SECRET, {
    citizenId: citizen.id, organisationId: organisation.id, kind: 'licence', title: { en: 'Boat licence', 'zh-HK': '船隻牌照' },
    holderName: 'CHAN, Tai Man', claims: { Reference: 'SG-2026-0000001' }, validUntil: '2099-12-31',
  }));
  return { organisation, citizen, document };
}

test('the holder sees the document, downloads it as PDF, and anyone verifies it by its QR link', async () => {
  const { citizen, document } = await issued();
  const client = await signInCitizen(t.app, citizen);
  assert.match((await client.get('/wallet')).body, /Boat licence/);
  const pdf = await client.get(`/wallet/${document.id}/document.pdf`);
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

  const page = await t.app.inject({ url: `/verify/${document.id}`, headers: { accept: 'text/html' } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /This document is valid/);
  assert.match(page.body, /CHAN, T\*\* M\*\*/, 'the public page masks the name');
  const api = (await t.app.inject(`/api/v1/documents/${document.id}/verification`)).json();
  assert.equal(api.status, 'valid');
  assert.equal(api.claims, undefined);
  const keys = (await t.app.inject('/api/v1/documents/keys')).json();
  assert.equal(keys.keys[0].crv, 'Ed25519');
  assert.equal(keys.keys[0].d, undefined, 'no private key material is published');
});

test('a share link shows the whole document until it expires', async () => {
  const { citizen, document } = await issued();
  const client = await signInCitizen(t.app, citizen);
  const shared = await client.submit(`/wallet/${document.id}`, `/wallet/${document.id}/share`, { hours: '2' });
  assert.equal(shared.statusCode, 200);
  const url = /\/verify\/shared\/([A-Za-z0-9_-]+)/.exec(shared.body)![0];
  const full = await t.app.inject({ url, headers: { accept: 'text/html' } });
  assert.match(full.body, /CHAN, Tai Man/);
  assert.match(full.body, /SG-2026-0000001/);
  await t.db.updateTable('wallet_shares').set({ expires_at: new Date(Date.now() - 1000) }).execute();
  assert.equal((await t.app.inject({ url, headers: { accept: 'text/html' } })).statusCode, 404);
  assert.equal((await client.submit(`/wallet/${document.id}`, `/wallet/${document.id}/share`, { hours: '500' })).statusCode, 400);
});

test('revoked, expired and tampered documents say so; other people cannot open a wallet document', async () => {
  const { organisation, document } = await issued();
  const admin = await buildStaff(t.db, { organisationId: organisation.id, roles: ['organisation_admin'] });
  const staff = await signInStaff(t.app, admin.email, admin.password);
  const outsider = await buildStaff(t.db, { roles: ['organisation_admin'] });
  const other = await signInStaff(t.app, outsider.email, outsider.password);
  assert.equal((await other.json('POST', `/api/v1/documents/${document.id}/revoke`, { reason: 'x' })).statusCode, 404);
  const revoked = await staff.json('POST', `/api/v1/documents/${document.id}/revoke`, { reason: 'Issued in error' });
  assert.equal(revoked.json().status, 'revoked');
  assert.equal((await staff.json('POST', `/api/v1/documents/${document.id}/revoke`, { reason: 'again' })).statusCode, 409);

  const second = await issued();
  await t.db.updateTable('wallet_documents').set({ valid_until: '2020-01-01' }).where('id', '=', second.document.id).execute();
  assert.equal((await t.app.inject(`/api/v1/documents/${second.document.id}/verification`)).json().status, 'expired');
  const third = await issued();
  const fourth = await issued();
  // A genuine signature, but over another document: copying one document's signed form onto another does not work.
  await sql`UPDATE wallet_documents SET jws = ${second.document.jws} WHERE id = ${third.document.id}`.execute(t.db);
  assert.equal((await t.app.inject(`/api/v1/documents/${third.document.id}/verification`)).json().status, 'invalid');
  const [header, payload, signature] = fourth.document.jws.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), validUntil: '2199-12-31' })).toString('base64url');
  await sql`UPDATE wallet_documents SET jws = ${`${header}.${forged}.${signature}`} WHERE id = ${fourth.document.id}`.execute(t.db);
  assert.equal((await t.app.inject(`/api/v1/documents/${fourth.document.id}/verification`)).json().status, 'invalid', 'an altered payload fails the signature');

  const stranger = await signInCitizen(t.app, await buildCitizen(t.db));
  assert.equal((await stranger.get(`/wallet/${third.document.id}`)).statusCode, 404);
  assert.equal((await t.app.inject(`/api/v1/documents/00000000-0000-4000-8000-000000000000/verification`)).statusCode, 404);
});

test('holders are reminded once, by email, of documents that expire within 30 days', async () => {
  const { sendExpiryReminders } = await import('./index.ts');
  const { outboxMailer } = await import('../platform/mail/index.ts');
  const { testLogger } = await import('../../test/support/database.ts');
  const organisation = await buildOrganisation(t.db);
  const citizen = await buildCitizen(t.db);
  const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  for (const validUntil of [soon, '2099-01-01']) {
    await t.db.transaction().execute((trx) => issueDocument(trx, systemContext('test'), t.config.SESSION_SECRET, {
      citizenId: citizen.id, organisationId: organisation.id, kind: 'licence', title: { en: `Licence until ${validUntil}`, 'zh-HK': '牌照' }, holderName: 'X', claims: {}, validUntil,
    }));
  }
  const mailer = (db: typeof t.db) => outboxMailer(db, testLogger);
  assert.ok((await sendExpiryReminders(t.db, mailer)) >= 1);
  assert.equal(await sendExpiryReminders(t.db, mailer), 0, 'never twice');
  const emails = await t.db.selectFrom('outbox_messages').select('subject').where('recipient', '=', citizen.email).execute();
  assert.deepEqual(emails.map((e) => e.subject), [`Your Licence until ${soon} expires on ${soon}`]);
});
