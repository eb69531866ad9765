import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import * as store from './store.ts';

/** Sends an email. Adapters: the development outbox (below); a real SMTP adapter plugs in behind the same port. */
export interface Mailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}
/** Sends a text message to a mobile number. */
export interface SmsSender {
  send(message: { to: string; text: string }): Promise<void>;
}

/**
 * Development adapters: messages are stored in `outbox_messages` (platform admins read them at /console/outbox)
 * and logged, so a developer can follow a sign-up without a mail server. Never used for real delivery.
 */
export function outboxMailer(db: Db, logger: Logger): Mailer {
  return {
    async send({ to, subject, text }) {
      await store.insertMessage(db, { channel: 'email', recipient: to.toLowerCase(), subject, body: text });
      logger.info({ outbox: 'email', to, subject }, `outbox email to ${to}: ${subject}\n${text}`);
    },
  };
}

export function outboxSms(db: Db, logger: Logger): SmsSender {
  return {
    async send({ to, text }) {
      await store.insertMessage(db, { channel: 'sms', recipient: to, subject: null, body: text });
      logger.info({ outbox: 'sms', to }, `outbox SMS to ${to}: ${text}`);
    },
  };
}
