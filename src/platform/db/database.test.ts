import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { pino } from 'pino';
import { createDatabase } from './database.ts';
import { createTestDatabase } from '../../../test/support/database.ts';

// The pool's clients answer Kysely through pg's callback form (database.ts): results, errors, parameters and
// transactions must come back as through pg's own promise.
test('queries through the pool answer, fail and keep transactions as pg does', async () => {
  const database = await createTestDatabase();
  const { db, pool } = createDatabase(database.url, { poolSize: 2, logger: pino({ level: 'silent' }) });
  try {
    const { rows } = await sql<{ n: number; words: string[] }>`SELECT ${41}::int + 1 AS n, ${['a', 'b']}::text[] AS words`.execute(db);
    assert.deepEqual(rows, [{ n: 42, words: ['a', 'b'] }]);
    const failed = await sql`SELECT nonsense FROM`.execute(db).then(() => undefined, (error: unknown) => error as Error & { code?: string });
    assert.equal(failed?.code, '42601', 'a syntax error is pg\'s DatabaseError');
    await sql`CREATE TABLE callback_check (n int)`.execute(db);
    await db.transaction().execute(async (trx) => sql`INSERT INTO callback_check VALUES (1)`.execute(trx));
    await db.transaction().execute(async (trx) => {
      await sql`INSERT INTO callback_check VALUES (2)`.execute(trx);
      throw new Error('rolled back');
    }).catch(() => undefined);
    assert.deepEqual((await sql<{ n: number }>`SELECT n FROM callback_check`.execute(db)).rows, [{ n: 1 }]);
    // pg's own forms still work on a client of this pool: a callback, and a query object.
    const client = await pool.connect();
    try {
      const answered = await new Promise((resolve, reject) => client.query('SELECT 1 AS one', (error, result) => (error ? reject(error) : resolve(result.rows))));
      assert.deepEqual(answered, [{ one: 1 }]);
      assert.deepEqual((await client.query({ text: 'SELECT $1::int AS two', values: [2] })).rows, [{ two: 2 }]);
    } finally {
      client.release();
    }
  } finally {
    await db.destroy();
    await database.drop();
  }
});
