import type { Db } from '../platform/db/database.ts';
import type { CitizenActor } from '../platform/context.ts';
import type { Mailer } from '../platform/mail/index.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError, invalidInput } from '../platform/errors.ts';
import { assertNotThrottled, recordFailure, type ThrottleRule } from '../platform/throttle/index.ts';
import { hashPassword, hashShortCode, newSixDigitCode } from './password.ts';
import * as store from './store.ts';

const CODE_MINUTES = 15;
const CODE_ATTEMPTS = 5;
export const MIN_PASSWORD_LENGTH = 12;
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Sends a one-time code to confirm the address. If an account already has the address, its owner gets a
 * notice instead, and the visitor sees exactly the same next page: registration never tells who has an account.
 */
export async function startRegistration(db: Db, mailer: Mailer, secret: string, input: { email: string; address: string }): Promise<string> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(email) || email.length > 254) throw invalidInput([{ field: 'email', reason: 'Enter an email address like name@example.com' }]);
  const rules: ThrottleRule[] = [
    { key: `citizen-register:address:${input.address}`, limit: 20, windowSeconds: 3600, mode: 'block' },
    { key: `citizen-register:email:${email}`, limit: 5, windowSeconds: 3600, mode: 'block' },
  ];
  await assertNotThrottled(db, rules);
  // Sending counts against the limits: it is what an attacker would abuse to flood someone's inbox.
  await recordFailure(db, rules);
  const code = newSixDigitCode();
  const { id } = await store.insertEmailCode(db, { email, code_hash: hashShortCode(secret, code), expires_at: new Date(Date.now() + CODE_MINUTES * 60_000), used_at: null });
  const existing = await store.citizenByEmail(db, email);
  if (existing) {
    await mailer.send({ to: email, subject: 'iAM Smart: you already have an account', text: 'Someone asked to register an iAM Smart account with this email address, which already has one.\nIf it was you, sign in instead. If not, you can ignore this message.' });
  } else {
    await mailer.send({ to: email, subject: `iAM Smart: your code is ${code}`, text: `Your iAM Smart confirmation code is ${code}.\nIt works once, for ${CODE_MINUTES} minutes. Never tell it to anyone.` });
  }
  return id;
}

export interface RegistrationInput { challengeId: string; code: string; password: string; requestId: string }

/** Checks the code (counted, single use, expiring) and creates the account with its verified email. */
export async function completeRegistration(db: Db, secret: string, input: RegistrationInput): Promise<string> {
  if (input.password.length < MIN_PASSWORD_LENGTH) throw invalidInput([{ field: 'password', reason: `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters` }]);
  if (input.password.length > 256) throw invalidInput([{ field: 'password', reason: 'Choose a password of at most 256 characters' }]);
  const wrong = () => new DomainError('invalid_input', 'The code is not right, or it has expired. Ask for a new code.', { fields: [{ field: 'code', reason: 'The code is not right, or it has expired' }] });
  // The attempt is counted (and committed) before the code is compared, so guesses are limited even when they fail.
  const challenge = /^[0-9a-f-]{36}$/.test(input.challengeId) ? await store.attemptEmailCode(db, input.challengeId, CODE_ATTEMPTS) : undefined;
  if (!challenge || challenge.code_hash !== hashShortCode(secret, input.code)) throw wrong();
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    if ((await store.citizenByEmail(trx, challenge.email)) || !(await store.markEmailCodeUsed(trx, challenge.id))) throw wrong();
    const citizen = await store.insertCitizen(trx, { email: challenge.email, password_hash: passwordHash, totp_secret: null, totp_pending_secret: null, proofed_at: null, disabled_at: null });
    await store.upsertProfileField(trx, { citizen_id: citizen.id, field: 'email', value: challenge.email, verified: true });
    const actor: CitizenActor = { kind: 'citizen', id: citizen.id, label: citizen.email, organisationId: null };
    await recordAudit(trx, { actor, requestId: input.requestId }, { action: 'citizen.registered', recordType: 'citizen', recordId: citizen.id });
    return citizen.id;
  });
}
