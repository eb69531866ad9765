import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { buildApp } from '../src/app.ts';
import { createDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createTestDatabase, testConfig, testLogger } from './support/database.ts';
import { Client, createTestApp, signInStaff } from './support/app.ts';
import { buildStaff } from './support/factories.ts';
import { startDatabaseProxy } from './support/db-proxy.ts';
import { startSmartgov } from './support/process.ts';

// The embedded database under DATA_DIR, as a developer runs it: no DATABASE_URL.
const startProcess = (dataDir: string) => startSmartgov({ DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'development' });

describe('running smartgov as a process on its embedded database', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'smartgov-process-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('starts with sample data, refuses a second instance on the same DATA_DIR, and stops cleanly on SIGTERM', async () => {
    const first = startProcess(dataDir);
    const address = await first.address;
    const home = await fetch(`${address}/`, { headers: { accept: 'text/html' } });
    assert.equal(home.status, 200);
    const html = await home.text();
    assert.match(html, /sample data/);
    assert.match(html, /Transport Department \(sample\)/);

    const second = startProcess(dataDir);
    const [code] = await once(second.child, 'exit');
    assert.equal(code, 2);
    assert.match(second.output(), /is in use by another smartgov process/);

    first.child.kill('SIGTERM');
    const [exitCode] = await once(first.child, 'exit');
    assert.equal(exitCode, 0);
    assert.equal(existsSync(path.join(dataDir, 'postgres/data/postmaster.pid')), false, 'the embedded server was stopped');
    assert.equal(existsSync(path.join(dataDir, 'smartgov.lock')), false);
  });
});

describe('several processes, one database', () => {
  test('migrations started at once by several processes apply once', async () => {
    const database = await createTestDatabase();
    // The template is already migrated; run migrate concurrently to prove the lock and the bookkeeping agree.
    const pools = [createDatabase(database.url, { poolSize: 2, logger: testLogger }), createDatabase(database.url, { poolSize: 2, logger: testLogger })];
    const applied = await Promise.all(pools.map(({ db }) => migrate(db, testLogger)));
    assert.deepEqual(applied, [[], []]);
    for (const { db } of pools) await db.destroy();
    await database.drop();
  });

  test('a session opened on one process is valid on another', async () => {
    const first = await createTestApp();
    const config = testConfig({ DATABASE_URL: first.config.DATABASE_URL! });
    const other = createDatabase(config.DATABASE_URL!, { poolSize: 2, logger: testLogger });
    const secondApp = await buildApp({ config, db: other.db, logger: testLogger });
    const staff = await buildStaff(first.db, { roles: ['officer'] });
    const client = await signInStaff(first.app, staff.email, staff.password);
    const onSecond = new Client(secondApp);
    for (const [k, v] of client.cookies) onSecond.cookies.set(k, v);
    assert.equal((await onSecond.get('/console')).statusCode, 200);
    await secondApp.close();
    await other.db.destroy();
    await first.close();
  });
});

describe('when the database goes away', () => {
  let proxy: Awaited<ReturnType<typeof startDatabaseProxy>>;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  before(async () => {
    database = await createTestDatabase();
    proxy = await startDatabaseProxy(database.url);
  });
  after(async () => {
    await proxy.close();
    await database.drop();
  });

  test('requests get a 503 problem document, and service resumes by itself when it returns', async () => {
    const config = testConfig({ DATABASE_URL: proxy.url });
    const { db } = createDatabase(proxy.url, { poolSize: 2, logger: testLogger });
    const app = await buildApp({ config, db, logger: testLogger });
    assert.equal((await app.inject('/api/v1/organisations')).statusCode, 200);

    await proxy.cut();
    const down = await app.inject({ url: '/api/v1/organisations', headers: { accept: 'application/json' } });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json().code, 'unavailable');
    assert.ok(down.headers['retry-after']);
    assert.equal((await app.inject('/readyz')).statusCode, 503);
    const page = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 503);
    assert.match(page.body, /temporarily unavailable/);

    await proxy.restore();
    assert.equal((await app.inject('/api/v1/organisations')).statusCode, 200);
    assert.equal((await app.inject('/readyz')).statusCode, 200);
    await app.close();
    await db.destroy();
  });
});

describe('stopping', () => {
  test('in-flight requests finish; new ones are refused', async () => {
    const t = await createTestApp();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A deliberately slow route, added only in this test.
    const slow = await buildApp({ config: t.config, db: t.db, logger: testLogger });
    slow.get('/slow', async () => { await gate; return { done: true }; });
    const address = await slow.listen({ port: 0, host: '127.0.0.1' });
    const inFlight = fetch(`${address}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = slow.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(fetch(`${address}/healthz`));
    release();
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { done: true });
    await closing;
    await t.close();
  });
});
