import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createDatabase, type Db } from './database.ts';
import { startEmbeddedPostgres } from './embedded.ts';

export interface OpenDatabase {
  db: Db;
  /** Closes the pool, then stops the embedded server if smartgov started one. */
  close(): Promise<void>;
}

/** The embedded server in DATA_DIR when DATABASE_URL is unset; otherwise the external server. */
export async function openDatabase(config: Config, logger: Logger): Promise<OpenDatabase> {
  const embedded = config.embeddedDatabase ? await startEmbeddedPostgres(config.DATA_DIR, logger) : undefined;
  const url = config.DATABASE_URL ?? embedded!.url();
  const { db } = createDatabase(url, { poolSize: config.DATABASE_POOL_SIZE, logger });
  try {
    await waitForDatabase(db, logger);
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    db,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}

async function waitForDatabase(db: Db, logger: Logger, attempts = 15): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await sql`SELECT 1`.execute(db);
      return;
    } catch (error) {
      if (attempt >= attempts) throw new Error(`Cannot reach the database: ${(error as Error).message}`);
      logger.warn({ attempt }, 'database not reachable yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}
