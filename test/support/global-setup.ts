// node --test --test-global-setup=test/support/global-setup.ts
//
// Runs once, in the test runner's own process, before any test file starts:
//  - DATABASE_URL set (CI's second run, an external server): use that server; the URL's user
//    needs CREATEDB. Otherwise start ONE embedded PostgreSQL server (src/platform/db/embedded.ts)
//    in a fresh temp dir for the whole run.
//  - build the template database `smartgov_template` and apply every migration to it, once.
//  - publish SMARTGOV_TEST_ADMIN_URL, SMARTGOV_TEST_TEMPLATE and SMARTGOV_TEST_RUN_ID in
//    process.env: the runner spawns each test file with a copy of its own environment taken at
//    spawn time, after this ran (checked on Node 24.21), so test/support/database.ts reads them.
// globalTeardown (also run after failed tests, SIGINT and SIGTERM) drops what this run made on an
// external server, or stops the embedded server and removes its temp dir.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from '../../src/platform/db/database.ts';
import { alive, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/db/embedded.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { databaseUrl, ENV_ADMIN_URL, ENV_RUN_ID, ENV_TEMPLATE, TEST_DATABASE_PREFIX, testLogger, withAdminClient } from './database.ts';

export const TEMPLATE_DATABASE = 'smartgov_template';
const TEMP_PREFIX = 'smartgov-test-pg-';

let embedded: EmbeddedPostgres | undefined;
let tempDir: string | undefined;
let adminUrl: string | undefined;
let runId: string | undefined;

const verbose = !!process.env.SMARTGOV_TEST_VERBOSE;
function note(message: string, started: number): void {
  if (verbose) process.stderr.write(`[test harness] ${message} (${Date.now() - started} ms)\n`);
}

export async function globalSetup(): Promise<void> {
  runId = randomBytes(3).toString('hex');
  try {
    const external = process.env.DATABASE_URL;
    let started = Date.now();
    if (external) {
      adminUrl = external;
    } else {
      await removeStaleTempDirs();
      tempDir = await fs.mkdtemp(path.join(os.tmpdir(), TEMP_PREFIX));
      // mkdtemp makes it 0700; as root the server runs as `postgres`, which must get through it.
      await fs.chmod(tempDir, 0o711);
      embedded = await startEmbeddedPostgres(tempDir, testLogger);
      adminUrl = embedded.url('postgres');
      note(`embedded PostgreSQL started in ${tempDir}`, started);
    }

    started = Date.now();
    await withAdminClient(adminUrl, async (client) => {
      await dropTemplate(client); // left by an earlier run on an external server
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(TEMPLATE_DATABASE)} TEMPLATE template0 ENCODING 'UTF8'`);
    });
    const { db } = createDatabase(databaseUrl(adminUrl, TEMPLATE_DATABASE), { poolSize: 1, logger: testLogger });
    try {
      await migrate(db, testLogger);
    } finally {
      await db.destroy();
    }
    // No session may stay connected to a template while it is copied: refuse connections outright.
    await withAdminClient(adminUrl, (client) =>
      client.query(`ALTER DATABASE ${client.escapeIdentifier(TEMPLATE_DATABASE)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`),
    );
    note(`template ${TEMPLATE_DATABASE} created and migrated`, started);

    process.env[ENV_ADMIN_URL] = adminUrl;
    process.env[ENV_TEMPLATE] = TEMPLATE_DATABASE;
    process.env[ENV_RUN_ID] = runId;
  } catch (error) {
    // The runner does not call globalTeardown when globalSetup fails.
    await globalTeardown().catch(() => undefined);
    const where = process.env.DATABASE_URL ? 'the DATABASE_URL server (its user needs CREATEDB)' : 'the embedded PostgreSQL server';
    throw new Error(`Test harness setup failed on ${where}: ${(error as Error).message}`, { cause: error });
  }
}

export async function globalTeardown(): Promise<void> {
  try {
    if (adminUrl && !embedded) {
      // External server: leave it as we found it.
      await withAdminClient(adminUrl, async (client) => {
        const leftovers = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
          `${TEST_DATABASE_PREFIX}${runId}_`,
        ]);
        for (const { datname } of leftovers.rows) await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
        await dropTemplate(client);
      });
    }
  } finally {
    try {
      await embedded?.stop();
    } finally {
      if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
      embedded = undefined;
      tempDir = undefined;
      adminUrl = undefined;
    }
  }
}

async function dropTemplate(client: import('pg').Client): Promise<void> {
  const name = client.escapeIdentifier(TEMPLATE_DATABASE);
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DATABASE]);
  if (found.rowCount === 0) return;
  await client.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE false`); // a template cannot be dropped
  await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/**
 * A run that was killed outright (SIGKILL, a closed terminal) never reaches globalTeardown and leaves
 * its server and temp dir behind. Clean those up: only our own temp dirs, only when the runner that
 * made them is gone, and only a postmaster whose command line names that dir.
 */
async function removeStaleTempDirs(): Promise<void> {
  let entries: string[];
  try {
    entries = readdirSync(os.tmpdir()).filter((e) => e.startsWith(TEMP_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = path.join(os.tmpdir(), entry);
    try {
      const lock = path.join(dir, 'smartgov.lock');
      if (existsSync(lock)) {
        const owner = Number(readFileSync(lock, 'utf8'));
        if (owner && alive(owner)) continue;
      } else if (Date.now() - statSync(dir).mtimeMs < 10 * 60_000) {
        continue; // no lock yet: perhaps a run that is starting right now
      }
      const pidFile = path.join(dir, 'postgres', 'data', 'postmaster.pid');
      if (existsSync(pidFile)) {
        const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (postmaster && alive(postmaster) && procCmdline(postmaster).includes(dir)) {
          process.kill(postmaster, 'SIGQUIT'); // immediate shutdown
          for (let i = 0; i < 50 && alive(postmaster) && procCmdline(postmaster) !== ''; i++) await new Promise((r) => setTimeout(r, 100));
        }
      }
      await fs.rm(dir, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // best effort only
    }
  }
}

function procCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
