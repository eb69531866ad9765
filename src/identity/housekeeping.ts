import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';

const BATCH = 200;
const TABLES = [
  { table: 'citizen_sessions', column: 'expires_at' },
  { table: 'citizen_email_codes', column: 'expires_at' },
  { table: 'citizen_phone_codes', column: 'expires_at' },
  { table: 'citizen_personal_codes', column: 'expires_at' },
  { table: 'oidc_models', column: 'expires_at' },
  // Read within minutes by every process that keeps token bundles (oidc/token-bundle-cache.ts).
  { table: 'identity_changes', column: 'changed_at' },
] as const;

/**
 * Deletes rows that expired more than a day ago, a bounded batch per table, so that no table grows without end.
 * Run after writes that create such rows (sign-in, registration, authorization requests): the cost is spread
 * over the traffic that causes it, and several processes doing it at once only share the work.
 */
export async function sweepExpired(db: Db): Promise<void> {
  // One statement (a data-modifying CTE per table), so a sign-in pays one round trip for it, not one per table.
  const deletes = TABLES.map(({ table, column }, i) => sql`${sql.raw(`swept_${i}`)} AS (DELETE FROM ${sql.table(table)} WHERE ctid IN (
      SELECT ctid FROM ${sql.table(table)} WHERE ${sql.ref(column)} < now() - interval '1 day' LIMIT ${BATCH} FOR UPDATE SKIP LOCKED))`);
  await sql`WITH ${sql.join(deletes)} SELECT 1`.execute(db);
}
