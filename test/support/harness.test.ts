// Self-test of the test harness: global-setup.ts built a migrated template, and
// createTestDatabase() clones it into an isolated database that drop() removes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { CHROMIUM_PATH, checkAccessibility, launchBrowser, newPage } from './browser.ts';
import { createTestDatabase, testConfig, withAdminClient } from './database.ts';

test('a test database is a migrated, isolated copy of the template and can be dropped', async () => {
  const first = await createTestDatabase();
  const second = await createTestDatabase();
  try {
    assert.notEqual(first.name, second.name);

    const version = await sql<{ version: string }>`SELECT version()`.execute(first.db);
    assert.match(version.rows[0]!.version, /^PostgreSQL \d+/);

    const migrations = await sql<{ count: number }>`SELECT count(*)::int AS count FROM schema_migrations`.execute(first.db);
    assert.ok(migrations.rows[0]!.count > 0, 'schema_migrations has no rows: the template was not migrated');

    const current = await sql<{ name: string }>`SELECT current_database() AS name`.execute(first.db);
    assert.equal(current.rows[0]!.name, first.name);

    // Isolation: a table made in one database does not appear in the other.
    await sql`CREATE TABLE harness_probe (id int)`.execute(first.db);
    const probe = await sql<{ found: string | null }>`SELECT to_regclass('harness_probe')::text AS found`.execute(second.db);
    assert.equal(probe.rows[0]!.found, null);

    const config = testConfig({ DATABASE_URL: first.url });
    assert.equal(config.NODE_ENV, 'test');
    assert.equal(config.DATABASE_URL, first.url);
    assert.equal(config.embeddedDatabase, false);
  } finally {
    await first.drop();
    await second.drop();
    await first.drop(); // idempotent
  }

  await withAdminClient(process.env.SMARTGOV_TEST_ADMIN_URL!, async (client) => {
    const left = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [[first.name, second.name]]);
    assert.equal(left.rowCount, 0, 'drop() left the databases behind');
  });
});

test('many databases can be created at once from the same template', async () => {
  const started = Date.now();
  const databases = await Promise.all(Array.from({ length: 6 }, () => createTestDatabase({ poolSize: 1 })));
  const elapsed = Date.now() - started;
  try {
    for (const t of databases) {
      const rows = await sql<{ count: number }>`SELECT count(*)::int AS count FROM schema_migrations`.execute(t.db);
      assert.ok(rows.rows[0]!.count > 0);
    }
  } finally {
    await Promise.all(databases.map((t) => t.drop()));
  }
  if (process.env.SMARTGOV_TEST_VERBOSE) process.stderr.write(`[test harness] 6 concurrent test databases in ${elapsed} ms\n`);
});

// CI installs Chromium; a developer without it gets a skip here rather than a failure.
const noChromium = !existsSync(CHROMIUM_PATH) && !process.env.CI;
test('headless Chromium starts and axe reports violations readably', { skip: noChromium && `no Chromium at ${CHROMIUM_PATH}` }, async () => {
  const browser = await launchBrowser();
  try {
    const page = await newPage(browser);
    await page.setContent('<!doctype html><html><head><title>t</title></head><body><main><h1>政府服務</h1><input type="text"></main></body></html>');
    const violations = await checkAccessibility(page);
    assert.ok(violations.some((v) => v.includes('html-has-lang')), violations.join('\n'));
    assert.ok(violations.some((v) => v.includes('label:') && v.includes('<input type="text">')), violations.join('\n'));

    await page.setContent('<!doctype html><html lang="zh-Hant"><head><title>t</title></head><body><main><h1>政府服務</h1><label>姓名 <input type="text"></label></main></body></html>');
    assert.deepEqual(await checkAccessibility(page), []);
  } finally {
    await browser.close();
  }
});
