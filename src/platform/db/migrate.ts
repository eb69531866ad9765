import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from './database.ts';

// Plain-SQL migrations, one small file per change, in each module's `migrations/` folder, named
// `YYYYMMDDHHMM_what.sql` and applied in name order across modules. Applied files must not change.
const SOURCE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MIGRATION_LOCK = 727_001; // pg_advisory_lock key: several processes may start at once

export interface Migration { name: string; file: string; checksum: string; sql: string }

export function findMigrations(root = SOURCE_ROOT): Migration[] {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.sql') && path.basename(path.dirname(f)) === 'migrations');
  const migrations = files.map((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    return { name: path.basename(file, '.sql'), file, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
  });
  migrations.sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set<string>();
  for (const m of migrations) {
    if (!/^\d{12}_[a-z0-9_]+$/.test(m.name)) throw new Error(`Migration ${m.file}: name must be YYYYMMDDHHMM_words.sql`);
    if (names.has(m.name)) throw new Error(`Migration name ${m.name} is used twice`);
    names.add(m.name);
  }
  return migrations;
}

export async function migrate(db: Db, logger: Logger): Promise<string[]> {
  const migrations = findMigrations();
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(conn);
      const applied = new Map(
        (await sql<{ name: string; checksum: string }>`SELECT name, checksum FROM schema_migrations`.execute(conn)).rows.map((r) => [r.name, r.checksum]),
      );
      const done: string[] = [];
      for (const m of migrations) {
        const checksum = applied.get(m.name);
        if (checksum !== undefined) {
          if (checksum !== m.checksum) throw new Error(`Migration ${m.file} was changed after it was applied; add a new migration instead.`);
          continue;
        }
        await conn.transaction().execute(async (trx) => {
          await sql.raw(m.sql).execute(trx);
          await sql`INSERT INTO schema_migrations (name, checksum) VALUES (${m.name}, ${m.checksum})`.execute(trx);
        });
        logger.info({ migration: m.name }, 'migration applied');
        done.push(m.name);
      }
      return done;
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}
