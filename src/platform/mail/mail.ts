import type { Logger } from 'pino';
import type { Queryable } from '../db/database.ts';
import * as store from './store.ts';

/** A message waiting in the outbox; `id` lets the caller try to deliver it at once (see delivery.ts). */
export interface QueuedMessage { id: string }

/**
 * Sends an email. `deliverBefore` marks a message worth nothing later (a one-time code): delivery stops trying then.
 * Messages are queued in `outbox_messages` within the caller's transaction and delivered after commit, so a message
 * goes out exactly when its change happened, and a mail server being down loses nothing.
 */
export interface Mailer {
  send(message: { to: string; subject: string; text: string; deliverBefore?: Date }): Promise<QueuedMessage>;
}
/** Sends a text message to a mobile number; queued like email. */
export interface SmsSender {
  send(message: { to: string; text: string; deliverBefore?: Date }): Promise<QueuedMessage>;
}

/**
 * The ports every module uses: they queue in the outbox table. Which transport then delivers the queue (the
 * development log, SMTP, an SMS gateway) is chosen at start-up (transports.ts); the caller never knows.
 */
export function outboxMailer(db: Queryable, logger: Logger): Mailer {
  return {
    async send({ to, subject, text, deliverBefore }) {
      const queued = await store.insertMessage(db, { channel: 'email', recipient: to.toLowerCase(), subject, body: text, deliver_before: deliverBefore ?? null });
      logger.debug({ outbox: 'email', id: queued.id }, 'email queued');
      return queued;
    },
  };
}

export function outboxSms(db: Queryable, logger: Logger): SmsSender {
  return {
    async send({ to, text, deliverBefore }) {
      const queued = await store.insertMessage(db, { channel: 'sms', recipient: to, subject: null, body: text, deliver_before: deliverBefore ?? null });
      logger.debug({ outbox: 'sms', id: queued.id }, 'text message queued');
      return queued;
    },
  };
}
