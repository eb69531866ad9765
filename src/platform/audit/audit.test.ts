import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/support/database.ts';
import { createTestApp, signInStaff, type TestApp } from '../../../test/support/app.ts';
import { buildStaff } from '../../../test/support/factories.ts';
import type { Db } from '../db/database.ts';
import { systemContext } from '../context.ts';
import { chainAuditLog, recordAudit, verifyAuditChain } from './index.ts';

const run = promisify(execFile);

async function writeEntries(db: Db, count: number) {
  for (let i = 0; i < count; i++) {
    await db.transaction().execute((trx) => recordAudit(trx, systemContext('test'), { action: 'test.happened', recordType: 'test', recordId: String(i), detail: { i, nested: { z: 1, a: [i] } } }));
  }
}

async function tampered(change: (db: Db) => Promise<void>) {
  const database = await createTestDatabase();
  await writeEntries(database.db, 5);
  await chainAuditLog(database.db);
  await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`.execute(database.db);
  await change(database.db);
  const result = await verifyAuditChain(database.db);
  return { ...database, result };
}

describe('the hash-chained audit log', () => {
  test('an intact chain verifies, across batches', async () => {
    const { db, drop } = await createTestDatabase();
    await writeEntries(db, 7);
    assert.deepEqual(await verifyAuditChain(db, 3), { ok: true, checked: 7 });
    await drop();
  });

  test('concurrent writers and concurrent chainers still make one unbroken chain', async () => {
    const { db, drop } = await createTestDatabase();
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => db.transaction().execute((trx) => recordAudit(trx, systemContext('test'), { action: 'test.concurrent', recordType: 'test', recordId: String(i) }))),
      chainAuditLog(db), chainAuditLog(db),
    ]);
    await Promise.all([chainAuditLog(db), chainAuditLog(db)]);
    assert.deepEqual(await verifyAuditChain(db), { ok: true, checked: 40 });
    const seqs = (await db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((r) => r.seq);
    assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i + 1));
    await drop();
  });

  test('the database refuses to update or delete entries, chained or not', async () => {
    const { db, drop } = await createTestDatabase();
    await writeEntries(db, 1);
    await assert.rejects(sql`UPDATE audit_log SET action = 'x'`.execute(db), /append-only/, 'before chaining');
    await chainAuditLog(db);
    await assert.rejects(sql`UPDATE audit_log SET action = 'x'`.execute(db), /append-only/, 'after chaining');
    await assert.rejects(sql`UPDATE audit_log SET seq = 7, hash = 'f', prev_hash = 'f'`.execute(db), /append-only/, 'a chained entry is never re-chained');
    await assert.rejects(sql`DELETE FROM audit_log`.execute(db), /append-only/);
    await assert.rejects(sql`TRUNCATE audit_log`.execute(db), /append-only/);
    await drop();
  });

  test('an entry that is rolled back with its change leaves no trace and no gap', async () => {
    const { db, drop } = await createTestDatabase();
    await writeEntries(db, 1);
    await assert.rejects(db.transaction().execute(async (trx) => {
      await recordAudit(trx, systemContext('test'), { action: 'test.failed', recordType: 'test' });
      throw new Error('the change failed');
    }));
    await writeEntries(db, 1);
    assert.deepEqual(await verifyAuditChain(db), { ok: true, checked: 2 });
    await drop();
  });

  test('an altered entry is found', async () => {
    const { result, drop } = await tampered((db) => sql`UPDATE audit_log SET detail = '{"i": 99}' WHERE seq = 3`.execute(db).then(() => undefined));
    assert.equal(result.ok, false);
    assert.deepEqual({ seq: result.firstBad?.seq, problem: result.firstBad?.problem }, { seq: 3, problem: 'altered' });
    await drop();
  });

  test('a removed entry is found, in the middle or at the end', async () => {
    const middle = await tampered((db) => sql`DELETE FROM audit_log WHERE seq = 2`.execute(db).then(() => undefined));
    assert.deepEqual({ seq: middle.result.firstBad?.seq, problem: middle.result.firstBad?.problem }, { seq: 2, problem: 'removed' });
    await middle.drop();
    const end = await tampered((db) => sql`DELETE FROM audit_log WHERE seq = 5`.execute(db).then(() => undefined));
    assert.deepEqual({ seq: end.result.firstBad?.seq, problem: end.result.firstBad?.problem }, { seq: 5, problem: 'removed' });
    await end.drop();
  });

  test('reordered entries are found', async () => {
    const { result, drop } = await tampered(async (db) => {
      // Swap the contents of entries 2 and 3 but keep their numbers and recompute nothing.
      await sql`UPDATE audit_log SET seq = -2 WHERE seq = 2`.execute(db);
      await sql`UPDATE audit_log SET seq = 2 WHERE seq = 3`.execute(db);
      await sql`UPDATE audit_log SET seq = 3 WHERE seq = -2`.execute(db);
    });
    assert.equal(result.ok, false);
    assert.equal(result.firstBad?.seq, 2);
    await drop();
  });

  test('`smartgov audit verify` exits 0 on an intact chain and 1 naming the first bad entry', async () => {
    const { db, url, drop } = await createTestDatabase();
    await writeEntries(db, 3);
    await chainAuditLog(db);
    const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', NODE_ENV: 'test' };
    const ok = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'audit', 'verify'], { env });
    assert.match(ok.stdout, /3 entries, chain intact/);
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`.execute(db);
    await sql`UPDATE audit_log SET actor_label = 'someone else' WHERE seq = 2`.execute(db);
    const failed = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'audit', 'verify'], { env }).then(() => undefined, (error: { code: number; stderr: string }) => error);
    assert.equal(failed?.code, 1);
    assert.match(failed!.stderr, /entry 2 \(altered\)/);
    await drop();
  });
});

describe('browsing the audit log', () => {
  let t: TestApp;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  test('platform admins browse and filter it; everyone else is refused', async () => {
    const admin = await buildStaff(t.db, { roles: ['platform_admin'] });
    const officer = await buildStaff(t.db, { roles: ['officer', 'organisation_admin'] });
    const client = await signInStaff(t.app, admin.email, admin.password);
    await signInStaff(t.app, officer.email, officer.password);

    const page = await client.get('/console/audit?action=staff.signed_in');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /staff\.signed_in/);
    const api = await client.json('GET', `/api/v1/audit?action=staff.signed_in&actorId=${officer.id}`);
    assert.equal(api.statusCode, 200);
    const entries = api.json().entries;
    assert.equal(entries.length, 1);
    assert.equal(entries[0].actorLabel, officer.display_name);
    assert.equal(entries[0].organisationId, officer.organisation_id);
    assert.match(entries[0].requestId, /\S+/);

    const badDate = await client.json('GET', '/api/v1/audit?from=24/11/2026');
    assert.equal(badDate.statusCode, 400);
    assert.equal(badDate.json().errors[0].field, 'querystring.from');

    const officerClient = await signInStaff(t.app, officer.email, officer.password);
    assert.equal((await officerClient.json('GET', '/api/v1/audit')).statusCode, 403);
    assert.equal((await officerClient.get('/console/audit')).statusCode, 403);
    assert.equal((await t.app.inject({ url: '/api/v1/audit' })).statusCode, 401);
  });
});
