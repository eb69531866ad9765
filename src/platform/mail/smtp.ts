import { createTransport } from 'nodemailer';
import { DeliveryError, type Transport } from './transports.ts';

// A citizen may be waiting for the first attempt (a sign-up code), so a dead server must fail fast; the queue retries.
const CONNECT_TIMEOUT_MS = 5_000;
const SOCKET_TIMEOUT_MS = 15_000;

/** Email over SMTP (RFC 5321) with nodemailer; STARTTLS when the server offers it, `smtps://` for implicit TLS. */
export function smtpTransport(options: { url: string; from: string }): Transport {
  const transporter = createTransport({
    url: options.url, connectionTimeout: CONNECT_TIMEOUT_MS, greetingTimeout: CONNECT_TIMEOUT_MS, socketTimeout: SOCKET_TIMEOUT_MS,
  });
  return {
    name: 'smtp',
    async deliver({ id, recipient, subject, body }) {
      try {
        await transporter.sendMail({ from: options.from, to: recipient, subject: subject ?? '', text: body, messageId: `<${id}@smartgov>` });
      } catch (error) {
        throw classify(error);
      }
    },
  };
}

interface SmtpFailure { code?: string; responseCode?: number; command?: string; response?: string; message?: string }

/**
 * A 5xx reply to the recipient or the message (RFC 5321 §4.2.1: "permanent negative completion") will not change
 * by trying again; a refused connection, a 4xx, a timeout or a 5xx to authentication (a setting an operator can
 * fix) might.
 */
function classify(error: unknown): DeliveryError {
  const e = (error ?? {}) as SmtpFailure;
  const status = e.responseCode;
  const permanent = status !== undefined && status >= 500 && /^(RCPT|DATA|MAIL)/i.test(e.command ?? '');
  const detail = status ? `SMTP ${status} after ${e.command ?? 'command'}: ${(e.response ?? '').slice(0, 200)}` : `SMTP ${e.code ?? 'error'}: ${(e.message ?? '').slice(0, 200)}`;
  return new DeliveryError(detail, permanent);
}
