import type { Generated, Selectable } from 'kysely';
import type { Queryable } from '../db/database.ts';

interface OutboxMessagesTable {
  id: Generated<string>;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body: string;
  created_at: Generated<Date>;
}
declare module '../db/schema.ts' {
  interface Database { outbox_messages: OutboxMessagesTable }
}
export type OutboxRow = Selectable<OutboxMessagesTable>;

export async function insertMessage(db: Queryable, message: { channel: 'email' | 'sms'; recipient: string; subject: string | null; body: string }): Promise<void> {
  await db.insertInto('outbox_messages').values(message).execute();
}

export async function latestMessages(db: Queryable, limit: number, recipient?: string): Promise<OutboxRow[]> {
  let query = db.selectFrom('outbox_messages').selectAll().orderBy('created_at', 'desc').limit(limit);
  if (recipient) query = query.where('recipient', '=', recipient);
  return query.execute();
}
