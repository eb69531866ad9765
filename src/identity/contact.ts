import { invalidInput } from '../platform/errors.ts';

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type Contact = { channel: 'email'; identifier: string } | { channel: 'sms'; identifier: string };

/**
 * What a citizen signs in with: an email address (kept in lower case) or a mobile number (kept as + and digits;
 * eight digits alone are a Hong Kong number). Undefined when it is neither.
 */
export function parseContact(input: string): Contact | undefined {
  const text = input.trim();
  if (text.includes('@')) return EMAIL_PATTERN.test(text) && text.length <= 254 ? { channel: 'email', identifier: text.toLowerCase() } : undefined;
  const digits = text.replace(/[\s()-]/g, '');
  if (/^[4-9]\d{7}$/.test(digits)) return { channel: 'sms', identifier: `+852${digits}` };
  if (/^\+\d{8,15}$/.test(digits)) return { channel: 'sms', identifier: digits };
  return undefined;
}

export function requireContact(input: string, field = 'email'): Contact {
  const contact = parseContact(input);
  if (!contact) throw invalidInput([{ field, reason: 'Enter an email address like name@example.com or a mobile number like 9123 4567' }]);
  return contact;
}
