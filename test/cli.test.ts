import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestDatabase } from './support/database.ts';

const run = promisify(execFile);
const smartgov = (args: string[], env: NodeJS.ProcessEnv) =>
  run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env } })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);

test('smartgov migrate, seed and audit verify on an external database', async () => {
  const database = await createTestDatabase();
  assert.equal((await smartgov(['migrate'], { DATABASE_URL: database.url })).code, 0);
  assert.equal((await smartgov(['seed'], { DATABASE_URL: database.url })).code, 0);
  const organisations = await database.db.selectFrom('organisations').select('code').execute();
  assert.ok(organisations.some((o) => o.code === 'TD'));
  assert.equal((await smartgov(['seed'], { DATABASE_URL: database.url })).code, 0, 'seeding twice changes nothing');
  assert.equal((await database.db.selectFrom('organisations').select('code').execute()).length, organisations.length);
  const scaled = await smartgov(['seed', '--services', '60'], { DATABASE_URL: database.url });
  assert.match(scaled.stdout, /Added 50 synthetic services/, 'tops the 10 sample services up to 60');
  assert.equal((await smartgov(['seed', '--services', 'many'], { DATABASE_URL: database.url })).code, 2);
  const verify = await smartgov(['audit', 'verify'], { DATABASE_URL: database.url });
  assert.equal(verify.code, 0);
  assert.match(verify.stdout, /chain intact/);
  await database.drop();
});

test('bad commands and bad configuration get a clear message and a non-zero exit', async () => {
  const unknown = await smartgov(['frobnicate'], {});
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command/);
  const badConfig = await smartgov(['migrate'], { PORT: 'eighty' });
  assert.equal(badConfig.code, 2);
  assert.match(badConfig.stderr, /PORT/);
  const production = await smartgov(['migrate'], { NODE_ENV: 'production' });
  assert.equal(production.code, 2);
  assert.match(production.stderr, /SESSION_SECRET/);
});
