import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import * as oidc from 'openid-client';
import { createTestApp, signInStaff, type TestApp, listeningTestApp } from '../../test/support/app.ts';
import { buildStaff } from '../../test/support/factories.ts';
import { authorizeInBrowser, Browser, buildCitizen, privateKeyJwtClient } from '../../test/support/identity-factories.ts';
import { systemContext } from '../platform/context.ts';
import { identityDocumentClaims } from './oidc/claims.ts';
import { decryptDocument, documentKeys, documentLookup, encryptDocument, type DocumentType } from './proofing.ts';
import { rekeyIdentityDocuments } from './rekey.ts';

// As in production after IDENTITY_KEY was introduced: documents proofed earlier are sealed with SESSION_SECRET.
const IDENTITY_KEY = 'identity-key-for-the-document-key-tests-0123456789';
const run = promisify(execFile);

let t: TestApp;
before(async () => { t = await createTestApp({ IDENTITY_KEY }); });
after(async () => { await t.close(); });

/** A citizen proofed before IDENTITY_KEY existed: number and look-up hash under the SESSION_SECRET-derived key. */
async function proofedWithPreviousKey(documentType: DocumentType, number: string, secret = t.config.SESSION_SECRET) {
  const citizen = await buildCitizen(t.db, { totp: true, proofed: true });
  await t.db.updateTable('citizens').set({ document_type: documentType, document_ciphertext: encryptDocument(secret, number), document_lookup: documentLookup(secret, documentType, number) })
    .where('id', '=', citizen.id).execute();
  return citizen;
}
const rowOf = (id: string) => t.db.selectFrom('citizens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** A logger that keeps its warnings, to see what the provider says about a document it cannot open. */
function keptLogger() {
  const lines: { msg: string; citizen?: string }[] = [];
  const logger = pino({ level: 'warn' }, new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString())); done(); } }));
  return { logger, lines };
}

describe('identity documents sealed before IDENTITY_KEY was set', () => {
  test('one document, one account still holds against a document sealed with the previous key', async () => {
    const earlier = await proofedWithPreviousKey('hkid', 'B1234567');
    const second = await buildCitizen(t.db);
    const staff = await buildStaff(t.db, { roles: ['officer'] });
    const desk = await signInStaff(t.app, staff.email, staff.password);
    const again = await desk.submit('/console/identity', '/console/identity/proofing', { email: second.email, documentType: 'hkid', documentNumber: 'B123456(7)' });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /already linked/);
    // The same person proofed again: sealed anew with IDENTITY_KEY.
    assert.equal((await desk.submit('/console/identity', '/console/identity/proofing', { email: earlier.email, documentType: 'hkid', documentNumber: 'B1234567' })).statusCode, 303);
    const row = await rowOf(earlier.id);
    assert.equal(decryptDocument(IDENTITY_KEY, row.document_ciphertext!), 'B1234567');
    assert.equal(row.document_lookup, documentLookup(IDENTITY_KEY, 'hkid', 'B1234567'));
  });

  test('the identity_document claim reads either key; a document no key opens is left out with a warning, never thrown', async () => {
    const keys = documentKeys(t.config);
    assert.deepEqual(keys, [IDENTITY_KEY, t.config.SESSION_SECRET]);
    const { logger, lines } = keptLogger();
    const earlier = await rowOf((await proofedWithPreviousKey('passport', 'K1111111')).id);
    assert.deepEqual(identityDocumentClaims(keys, earlier, logger), { identity_document_type: 'passport', identity_document_number: 'K1111111' });
    const lost = await rowOf((await proofedWithPreviousKey('passport', 'K2222222', 'a-key-nobody-has-any-more-0123456789abcdef')).id);
    assert.deepEqual(identityDocumentClaims(keys, lost, logger), {});
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.citizen, lost.id);
    assert.doesNotMatch(JSON.stringify(lines), /K2222222/);
    await t.db.updateTable('citizens').set({ document_ciphertext: null, document_lookup: null }).where('id', '=', lost.id).execute();
  });

  test('smartgov identity rekey re-seals them with IDENTITY_KEY, audited, and a second run changes nothing', async () => {
    const earlier = await proofedWithPreviousKey('hkid', 'C7654321');
    const smartgov = () => run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'identity', 'rekey'], {
      env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', DATABASE_URL: t.config.DATABASE_URL, SESSION_SECRET: t.config.SESSION_SECRET, IDENTITY_KEY },
    });
    const first = await smartgov();
    assert.match(first.stdout, /Re-sealed [1-9]\d* identity documents with IDENTITY_KEY/);
    const row = await rowOf(earlier.id);
    assert.equal(decryptDocument(IDENTITY_KEY, row.document_ciphertext!), 'C7654321');
    assert.equal(row.document_lookup, documentLookup(IDENTITY_KEY, 'hkid', 'C7654321'));
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'citizen.identity_document_resealed').where('record_id', '=', earlier.id).execute();
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0]!.detail, { documentType: 'hkid' });
    assert.equal(audit[0]!.actor_label, 'smartgov identity rekey');

    const second = await smartgov();
    assert.match(second.stdout, /Re-sealed 0 identity documents with IDENTITY_KEY; [1-9]\d* already were/);
    assert.equal((await rowOf(earlier.id)).document_ciphertext, row.document_ciphertext);
  });

  test('rekey leaves alone, and names, documents no key opens and documents another account already holds', async () => {
    const lost = await proofedWithPreviousKey('hkid', 'D1111111', 'a-key-nobody-has-any-more-0123456789abcdef');
    const holder = await buildCitizen(t.db, { proofed: true });
    await t.db.updateTable('citizens').set({ document_type: 'hkid', document_ciphertext: encryptDocument(IDENTITY_KEY, 'E2222222'), document_lookup: documentLookup(IDENTITY_KEY, 'hkid', 'E2222222') }).where('id', '=', holder.id).execute();
    const twice = await proofedWithPreviousKey('hkid', 'E2222222');
    const before = await rowOf(twice.id);
    const result = await rekeyIdentityDocuments(t.db, documentKeys(t.config), systemContext('test'));
    assert.deepEqual(result.unreadable, [lost.id]);
    assert.deepEqual(result.shared, [twice.id]);
    assert.equal(result.resealed, 0);
    assert.equal((await rowOf(twice.id)).document_ciphertext, before.document_ciphertext);
    await t.db.updateTable('citizens').set({ document_ciphertext: null, document_lookup: null }).where('id', 'in', [lost.id, twice.id]).execute();
  });
});

describe('the identity_document claim over HTTP', () => {
  let op: TestApp;
  let base: string;
  before(async () => { ({ t: op, base } = await listeningTestApp()); });
  after(async () => { await op.close(); });

  test('userinfo and the token answer without the claim, not with a 500, when the document cannot be opened', async () => {
    const citizen = await buildCitizen(op.db, { totp: true, proofed: true });
    await op.db.updateTable('citizens').set({ document_type: 'hkid', document_ciphertext: encryptDocument('a-key-nobody-has-any-more-0123456789abcdef', 'A1234567') }).where('id', '=', citizen.id).execute();
    const { config } = await privateKeyJwtClient(op, base, 'Land Registry (test)');
    const granted = await authorizeInBrowser(config, new Browser(base), citizen, { scope: 'openid identity_document' });
    const tokens = await oidc.authorizationCodeGrant(config, granted.callback, { pkceCodeVerifier: granted.verifier, expectedState: granted.state });
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(userinfo.sub, tokens.claims()!.sub);
    assert.equal(userinfo.identity_document_number, undefined);
  });
});
