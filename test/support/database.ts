// A fresh, migrated PostgreSQL database per test file (or per test), cloned from the template
// that test/support/global-setup.ts builds once per `npm test` run.
//
//   const t = await createTestDatabase();
//   after(() => t.drop());
//   const config = testConfig({ DATABASE_URL: t.url });
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { createDatabase, type Db } from '../../src/platform/db/database.ts';

/** Set by global-setup.ts in the runner process; test-file processes inherit them. */
export const ENV_ADMIN_URL = 'SMARTGOV_TEST_ADMIN_URL';
export const ENV_TEMPLATE = 'SMARTGOV_TEST_TEMPLATE';
export const ENV_RUN_ID = 'SMARTGOV_TEST_RUN_ID';
/** Test databases are named `${TEST_DATABASE_PREFIX}<run id>_<random>`. */
export const TEST_DATABASE_PREFIX = 'smartgov_test_';

export const testLogger: Logger = pino({ level: 'silent' });

export interface TestDatabase {
  /** Connection string of this database (give it to testConfig as DATABASE_URL). */
  url: string;
  /** Database name, unique to this call. */
  name: string;
  /** A Kysely instance on a small pool; drop() closes it. */
  db: Db;
  /** Closes the pool and drops the database, even if other connections are still open. Safe to call twice. */
  drop(): Promise<void>;
}

/** The same connection string with another database name (works for host:port and socket-directory URLs). */
export function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.href;
}

function harnessEnv(): { adminUrl: string; template: string; runId: string } {
  const adminUrl = process.env[ENV_ADMIN_URL];
  const template = process.env[ENV_TEMPLATE];
  if (!adminUrl || !template) {
    throw new Error(
      `${ENV_ADMIN_URL} is not set: database tests need the test harness. Run them with \`npm test\`, or add ` +
        '--test-global-setup=test/support/global-setup.ts to `node --import tsx --test`.',
    );
  }
  return { adminUrl, template, runId: process.env[ENV_RUN_ID] ?? 'x' };
}

/** Runs statements on one short-lived admin connection (no pool left behind to keep the process alive). */
export async function withAdminClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'smartgov-test-harness' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CREATE DATABASE ... TEMPLATE fails with 55006 ("source database is being accessed by other users")
 * while any session is connected to the template. The template refuses connections (global-setup
 * sets ALLOW_CONNECTIONS false), so this should only be a stray session or a late autovacuum worker:
 * retry for a few seconds before giving up.
 */
async function cloneTemplate(client: pg.Client, name: string, template: string): Promise<void> {
  const statement = `CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`;
  const deadline = Date.now() + 15_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(statement);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== '55006' || Date.now() > deadline) throw error;
      await sleep(Math.min(50 * attempt, 500));
    }
  }
}

/** A fresh database with every migration applied, cloned from the run's template. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const { adminUrl, template, runId } = harnessEnv();
  const name = `${TEST_DATABASE_PREFIX}${runId}_${randomBytes(5).toString('hex')}`;
  await withAdminClient(adminUrl, async (client) => {
    await cloneTemplate(client, name, template);
    // Tests never need durability across a server crash; this makes every commit cheaper.
    await client.query(`ALTER DATABASE ${client.escapeIdentifier(name)} SET synchronous_commit = off`);
  });
  const url = databaseUrl(adminUrl, name);
  const { db } = createDatabase(url, { poolSize: options.poolSize ?? 5, logger: testLogger });
  lastUrl = url;
  let dropped = false;
  return {
    url,
    name,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.destroy();
      await withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
      if (lastUrl === url) lastUrl = undefined;
    },
  };
}

let lastUrl: string | undefined;
const dataDirs: string[] = [];
process.once('exit', () => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A validated test configuration: NODE_ENV=test, silent logs, a fresh DATA_DIR (removed when the
 * process exits) and DATABASE_URL = the database last made by createTestDatabase() in this process,
 * unless `overrides` says otherwise. Pass `{ DATABASE_URL: t.url }` to be explicit.
 */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  let dataDir = overrides.DATA_DIR;
  if (!dataDir) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'smartgov-test-data-'));
    dataDirs.push(dataDir);
  }
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...(lastUrl ? { DATABASE_URL: lastUrl } : {}),
    ...overrides,
    DATA_DIR: dataDir,
  });
}

/**
 * `db` counting the statements sent through it (raw SQL included: Kysely compiles it through plugins), and the most
 * under way at once.
 */
export function countingStatements(db: Db) {
  // `texts`: each raw statement's SQL (parameters left out), for a test to tell which statement was sent.
  const counter = { statements: 0, underWay: 0, most: 0, texts: [] as string[] };
  const counted = db.withPlugin({
    transformQuery: (args) => {
      counter.statements++;
      counter.most = Math.max(counter.most, ++counter.underWay);
      const node = args.node as { kind: string; sqlFragments?: readonly string[] };
      counter.texts.push(node.sqlFragments?.join('?') ?? node.kind);
      return args.node;
    },
    transformResult: async (args) => { counter.underWay--; return args.result; },
  });
  return { db: counted, counter };
}
