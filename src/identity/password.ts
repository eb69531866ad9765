import { createHash, createHmac, randomInt } from 'node:crypto';
import { hash } from '@node-rs/argon2';

// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane (the library's default is argon2id).
export const hashPassword = (password: string) => hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });

/** Short codes (6 digits) are keyed, so a copy of the table alone cannot be brute-forced offline. */
export const hashShortCode = (secret: string, code: string) => createHmac('sha256', secret).update(code.trim()).digest('hex');
export const hashLongCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');

export const newSixDigitCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Ten characters from 31 symbols (about 50 bits), shown as xxxxx-xxxxx. */
export function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(0, RECOVERY_ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}
