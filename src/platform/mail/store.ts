import { sql, type Generated, type Selectable } from 'kysely';
import type { Queryable } from '../db/database.ts';

interface OutboxMessagesTable {
  id: Generated<string>;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body: string;
  created_at: Generated<Date>;
  sent_at: Date | null;
  failed_at: Date | null;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  deliver_before: Date | null;
}
declare module '../db/schema.ts' {
  interface Database { outbox_messages: OutboxMessagesTable }
}
export type OutboxRow = Selectable<OutboxMessagesTable>;

export async function insertMessage(db: Queryable, message: { channel: 'email' | 'sms'; recipient: string; subject: string | null; body: string; deliver_before: Date | null }): Promise<{ id: string }> {
  return db.insertInto('outbox_messages').values({ ...message, sent_at: null, failed_at: null, last_error: null }).returning('id').executeTakeFirstOrThrow();
}

export async function latestMessages(db: Queryable, limit: number, recipient?: string): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox_messages').selectAll().orderBy('created_at', 'desc').limit(limit);
  if (recipient) query = query.where('recipient', '=', recipient);
  return query.execute();
}

/**
 * Takes messages for one attempt: the claim moves `next_attempt_at` past a lease, so another process (or the
 * background loop) does not send the same message while this attempt runs; a crashed attempt is retried after it.
 */
export async function claimMessages(db: Queryable, options: { id?: string; limit: number; leaseSeconds: number }): Promise<OutboxRow[]> {
  const due = db.selectFrom('outbox_messages').select('id')
    .where('sent_at', 'is', null).where('failed_at', 'is', null).where('next_attempt_at', '<=', sql<Date>`now()`)
    .$if(options.id !== undefined, (q) => q.where('id', '=', options.id!))
    .orderBy('next_attempt_at').limit(options.limit).forUpdate().skipLocked();
  return db.updateTable('outbox_messages')
    .set({ attempts: sql`attempts + 1`, next_attempt_at: sql`now() + make_interval(secs => ${options.leaseSeconds})` })
    .where('id', 'in', due).returningAll().execute();
}

/** Where one message stands: sent, given up, or still to be (re)tried. */
export async function messageState(db: Queryable, id: string): Promise<Pick<OutboxRow, 'sent_at' | 'failed_at' | 'last_error'> | undefined> {
  return db.selectFrom('outbox_messages').select(['sent_at', 'failed_at', 'last_error']).where('id', '=', id).executeTakeFirst();
}

export async function markSent(db: Queryable, id: string): Promise<void> {
  await db.updateTable('outbox_messages').set({ sent_at: sql`now()`, last_error: null }).where('id', '=', id).execute();
}

export async function markFailed(db: Queryable, id: string, error: string): Promise<void> {
  await db.updateTable('outbox_messages').set({ failed_at: sql`now()`, last_error: error }).where('id', '=', id).execute();
}

export async function scheduleRetry(db: Queryable, id: string, error: string, afterSeconds: number): Promise<void> {
  await db.updateTable('outbox_messages').set({ next_attempt_at: sql`now() + make_interval(secs => ${afterSeconds})`, last_error: error }).where('id', '=', id).execute();
}
