import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import pg from 'pg';
import { fromDriverError } from './errors.ts';
import { createTestDatabase } from '../../test/support/database.ts';

// Which driver errors mean "the database is unreachable" (503, try again) and which are not the database at all.
test('a refused Unix socket is the database unreachable; a missing file is not', async () => {
  const socket = connect('/nonexistent/.s.PGSQL.5432');
  const [refused] = (await once(socket, 'error')) as [Error];
  assert.equal((refused as { code?: string }).code, 'ENOENT');
  assert.equal(fromDriverError(refused)?.code, 'unavailable');

  const missing = await readFile('/nonexistent/file').catch((error: unknown) => error as Error);
  assert.equal((missing as { code?: string }).code, 'ENOENT');
  assert.equal(fromDriverError(missing), undefined);

  const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  assert.equal(fromDriverError(lost)?.code, 'unavailable');
});

test('a pool with no connection free in time is "try again" (503), not a fault (500)', async () => {
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 1, connectionTimeoutMillis: 200 });
  // pool.end() resolves before its client's socket has closed, so the DROP below may still terminate that connection:
  // the pool then emits the error, which with no listener failed the test (once, in a full run).
  pool.on('error', () => {});
  try {
    const held = await pool.connect();
    const timedOut = await pool.connect().then(() => undefined, (error: unknown) => error as Error);
    held.release();
    assert.ok(timedOut, 'the second connect waits for the only connection and gives up');
    assert.equal(fromDriverError(timedOut)?.code, 'unavailable', timedOut.message);
    assert.equal(fromDriverError(timedOut)?.extra.retryAfterSeconds, 5);
  } finally {
    await pool.end();
    await database.drop();
  }
});
