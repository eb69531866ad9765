import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';

/** How long a session lasts: `idleMinutes` without a request, `maxHours` in all. */
export interface SessionLimits { idleMinutes: number; maxHours: number }

/**
 * One kind of session (citizens', staff's): its table, whose `owner` column names the account, its cookie and its
 * limits, read from `Settings` (the configuration). The table has `id_hash`, `last_seen_at` and `expires_at`; each
 * module keeps its own table, its other columns and the query that reads a live session with its account.
 */
export interface SessionKind<Row extends { last_seen_at: Date }, Settings> {
  table: string;
  owner: string;
  cookie: string;
  limits: (settings: Settings) => SessionLimits;
  /** The session and its account if neither expired, nor idle since `idleMinutes`, nor disabled. */
  live: (db: Queryable, idHash: string, idleMinutes: number) => Promise<Row | undefined>;
}

// Only the hash is stored: someone who reads the table cannot sign in with what they read.
const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

export function defineSessions<Row extends { last_seen_at: Date }, Settings>(kind: SessionKind<Row, Settings>) {
  const table = sql.table(kind.table);
  const owner = sql.ref(kind.owner);
  return {
    cookie: kind.cookie,
    hash: hashSessionId,

    /** A new id for every sign-in, so an id planted before it is useless; the caller stores `idHash` and `expiresAt`. */
    issue(settings: Settings): { sessionId: string; idHash: string; expiresAt: Date } {
      const limits = kind.limits(settings);
      const sessionId = randomBytes(32).toString('base64url');
      return { sessionId, idHash: hashSessionId(sessionId), expiresAt: new Date(Date.now() + limits.maxHours * 3_600_000) };
    },

    /** The live session behind a cookie's id, touched on use, or undefined if it is missing, unknown, expired or idle too long. */
    async resolve(db: Queryable, settings: Settings, sessionId: string | undefined): Promise<{ idHash: string; row: Row } | undefined> {
      if (!sessionId || sessionId.length > 100) return undefined;
      const idHash = hashSessionId(sessionId);
      const row = await kind.live(db, idHash, kind.limits(settings).idleMinutes);
      if (!row) return undefined;
      // Idle time is counted in minutes: one write a minute is enough.
      if (Date.now() - row.last_seen_at.getTime() > 60_000) {
        await sql`UPDATE ${table} SET last_seen_at = ${new Date()} WHERE id_hash = ${idHash}`.execute(db);
      }
      return { idHash, row };
    },

    /** Ends one session of the account (signing out, or the session a step-up replaces). */
    async end(db: Queryable, ownerId: string, idHash: string): Promise<void> {
      await sql`DELETE FROM ${table} WHERE ${owner} = ${ownerId} AND id_hash = ${idHash}`.execute(db);
    },

    /** Ends every session of the account (signing out everywhere); returns how many there were. */
    async endAll(db: Queryable, ownerId: string): Promise<number> {
      const result = await sql`DELETE FROM ${table} WHERE ${owner} = ${ownerId}`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },
  };
}
