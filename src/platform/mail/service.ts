import type { Logger } from 'pino';
import type { Db, Queryable } from '../db/database.ts';
import type { Config } from '../config.ts';
import { outboxMailer, outboxSms, type Mailer, type SmsSender } from './mail.ts';
import { deliverNow, startMailDelivery, type DeliveryOutcome } from './delivery.ts';
import { transportsFor, type Transports } from './transports.ts';

/** The mail and SMS ports with the transports chosen at start-up, for code that wants to try delivery at once. */
export interface MailService {
  mailer(db: Queryable): Mailer;
  sms(db: Queryable): SmsSender;
  /** Call after the queuing transaction committed; a failure leaves the message queued (or gives up if refused). */
  deliverNow(id: string): Promise<DeliveryOutcome>;
  /** Starts the background delivery loop; stop() waits for the batch in hand. */
  startDelivery(intervalMs?: number): { stop(): Promise<void> };
}

export function mailService(services: { db: Db; config: Config; logger: Logger }, transports: Transports = transportsFor(services.config, services.logger)): MailService {
  const { db, logger } = services;
  return {
    mailer: (q) => outboxMailer(q, logger),
    sms: (q) => outboxSms(q, logger),
    deliverNow: (id) => deliverNow(db, transports, logger, id),
    startDelivery: (intervalMs) => startMailDelivery(db, transports, logger, intervalMs),
  };
}
