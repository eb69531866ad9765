import pg from 'pg';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Anything queries can run on: the pool or an open transaction. */
export type Queryable = Db | Trx;

// Dates as timestamptz come back as Date; bigint counts as numbers (they stay far below 2^53 here).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createDatabase(connectionString: string, options: { poolSize: number; logger: Logger }): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'smartgov',
  });
  // An idle client losing its server must not crash the process: the pool replaces it on the next query.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'database connection lost'));
  // A client in use when its connection drops emits 'error' too; unheard, that would crash the process. Its query
  // still fails (and becomes a 503), and the pool replaces the client.
  pool.on('connect', (client) => client.on('error', (error) => options.logger.warn({ err: error }, 'database connection lost during a query')));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}
