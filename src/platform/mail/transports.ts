import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { OutboxRow } from './store.ts';
import { smtpTransport } from './smtp.ts';
import { smsGatewayTransport } from './sms-gateway.ts';

export type OutgoingMessage = Pick<OutboxRow, 'id' | 'channel' | 'recipient' | 'subject' | 'body'>;

/** Delivers one message or throws a DeliveryError; adapters for SMTP, an SMS gateway and the development log. */
export interface Transport {
  readonly name: string;
  deliver(message: OutgoingMessage): Promise<void>;
}
export interface Transports { email: Transport; sms: Transport }

/**
 * `permanent`: trying again cannot help (the server refused this recipient or message); anything else (server down,
 * timeout, throttled, credentials being fixed) is retried. `detail` is safe to log and to show platform admins.
 */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(readonly detail: string, readonly permanent: boolean) {
    super(detail);
  }
}

/** Development: the message is "delivered" to the log (and stays readable in the console outbox). */
export function logTransport(logger: Logger): Transport {
  return {
    name: 'outbox',
    async deliver({ channel, recipient, subject, body }) {
      logger.info({ outbox: channel, to: recipient, subject }, `outbox ${channel === 'sms' ? 'SMS' : 'email'} to ${recipient}: ${subject ? `${subject}\n` : ''}${body}`);
    },
  };
}

/** The transports configuration asks for, built once at start-up. */
export function transportsFor(config: Config, logger: Logger): Transports {
  const log = logTransport(logger);
  return {
    email: config.MAIL_TRANSPORT === 'smtp' ? smtpTransport({ url: config.SMTP_URL!, from: config.MAIL_FROM }) : log,
    sms: config.SMS_TRANSPORT === 'http' ? smsGatewayTransport({ url: config.SMS_GATEWAY_URL!, token: config.SMS_GATEWAY_TOKEN! }) : log,
  };
}
