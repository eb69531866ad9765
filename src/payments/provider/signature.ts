import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';

// Webhook signatures in the scheme most acquirers use: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
// The timestamp is signed with the body, so an old request cannot be replayed with a new time.
export const SIGNATURE_HEADER = 'smartgov-pay-signature';
export const MAX_WEBHOOK_AGE_SECONDS = 300;

export function signWebhook(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export function verifySignature(secret: string, body: string, header: string | string[] | undefined, now = Date.now()): void {
  const refuse = (why: string) => new DomainError('unauthenticated', `The webhook signature is not valid: ${why}.`);
  if (typeof header !== 'string') throw refuse('the signature header is missing');
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/.test(given)) throw refuse('the header is malformed');
  if (Math.abs(now / 1000 - timestamp) > MAX_WEBHOOK_AGE_SECONDS) throw refuse('the timestamp is too old or in the future');
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) throw refuse('it does not match');
}

/** The webhook key is derived from the server secret, so no second secret has to be configured. */
export const webhookSecret = (sessionSecret: string) => createHmac('sha256', sessionSecret).update('smartgov builtin payment provider webhooks').digest('hex');
