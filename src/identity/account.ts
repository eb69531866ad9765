import type { Db } from '../platform/db/database.ts';
import type { CitizenActor } from '../platform/context.ts';
import type { Mailer, SmsSender } from '../platform/mail/index.ts';
import { requireContact } from './contact.ts';
import { sweepExpired } from './housekeeping.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError, invalidInput } from '../platform/errors.ts';
import { assertNotThrottled, recordFailure, type ThrottleRule } from '../platform/throttle/index.ts';
import { hashPassword, hashShortCode, newSixDigitCode } from './password.ts';
import * as store from './store.ts';

const CODE_MINUTES = 15;
const CODE_ATTEMPTS = 5;
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Sends a one-time code, by email or text message, to confirm the address or number. If an account already has it,
 * its owner gets a notice instead, and the visitor sees exactly the same next page: registration never tells who
 * has an account.
 */
export async function startRegistration(db: Db, ports: { mailer: Mailer; sms: SmsSender }, secret: string, input: { contact: string; address: string }): Promise<string> {
  const contact = requireContact(input.contact);
  const rules: ThrottleRule[] = [
    { key: `citizen-register:address:${input.address}`, limit: 20, windowSeconds: 3600, mode: 'block' },
    { key: `citizen-register:contact:${contact.identifier}`, limit: 5, windowSeconds: 3600, mode: 'block' },
  ];
  await assertNotThrottled(db, rules);
  // Sending counts against the limits: it is what an attacker would abuse to flood someone's inbox or phone.
  await recordFailure(db, rules);
  const code = newSixDigitCode();
  const { id } = await store.insertEmailCode(db, { email: contact.identifier, channel: contact.channel, code_hash: hashShortCode(secret, code), expires_at: new Date(Date.now() + CODE_MINUTES * 60_000), used_at: null });
  const existing = await store.citizenByIdentifier(db, contact.identifier);
  const text = existing
    ? 'Someone asked to register an iAM Smart account with this address or number, which already has one. If it was you, sign in instead; if not, ignore this message.'
    : `Your iAM Smart confirmation code is ${code}. It works once, for ${CODE_MINUTES} minutes. Never tell it to anyone.`;
  if (contact.channel === 'sms') await ports.sms.send({ to: contact.identifier, text: `iAM Smart: ${text}` });
  else await ports.mailer.send({ to: contact.identifier, subject: existing ? 'iAM Smart: you already have an account' : `iAM Smart: your code is ${code}`, text });
  await sweepExpired(db);
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
    if ((await store.citizenByIdentifier(trx, challenge.email)) || !(await store.markEmailCodeUsed(trx, challenge.id))) throw wrong();
    const byPhone = challenge.channel === 'sms';
    const citizen = await store.insertCitizen(trx, {
      email: byPhone ? null : challenge.email, ...(byPhone ? { phone: challenge.email } : {}), password_hash: passwordHash, totp_secret: null, totp_pending_secret: null, proofed_at: null, disabled_at: null,
    });
    await store.upsertProfileField(trx, { citizen_id: citizen.id, field: byPhone ? 'phone' : 'email', value: challenge.email, verified: true });
    const actor: CitizenActor = { kind: 'citizen', id: citizen.id, label: store.identifierOf(citizen), organisationId: null };
    await recordAudit(trx, { actor, requestId: input.requestId }, { action: 'citizen.registered', recordType: 'citizen', recordId: citizen.id });
    return citizen.id;
  });
}
