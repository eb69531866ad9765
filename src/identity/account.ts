import type { Db } from '../platform/db/database.ts';
import type { CitizenActor } from '../platform/context.ts';
import type { DeliveryOutcome, MailService } from '../platform/mail/index.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { identityMessages } from './messages.ts';
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
 * Sends a one-time code, by email or text message, in the visitor's language, to confirm the address or number. If
 * an account already has it, its owner gets a notice instead, and the visitor sees exactly the same next page:
 * registration never tells who has an account. The code and its message are committed together, then delivery is
 * tried at once; if the mail server or gateway is down the message stays queued and is retried until the code
 * expires (the visitor is told it may be late), because asking them to try again would spend their sending limit
 * and leave two codes in flight. A recipient the server refuses outright is bad input.
 */
export async function startRegistration(db: Db, mail: Pick<MailService, 'mailer' | 'sms' | 'deliverNow'>, secret: string, input: { contact: string; address: string; locale: Locale }): Promise<{ challengeId: string; delivery: DeliveryOutcome }> {
  const contact = requireContact(input.contact);
  const rules: ThrottleRule[] = [
    { key: `citizen-register:address:${input.address}`, limit: 20, windowSeconds: 3600, mode: 'block' },
    { key: `citizen-register:contact:${contact.identifier}`, limit: 5, windowSeconds: 3600, mode: 'block' },
  ];
  await assertNotThrottled(db, rules);
  // Sending counts against the limits: it is what an attacker would abuse to flood someone's inbox or phone.
  await recordFailure(db, rules);
  const t = identityMessages(input.locale);
  const code = newSixDigitCode();
  const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
  const { id, messageId } = await db.transaction().execute(async (trx) => {
    const challenge = await store.insertEmailCode(trx, { email: contact.identifier, channel: contact.channel, code_hash: hashShortCode(secret, code), expires_at: expiresAt, used_at: null });
    const existing = await store.citizenByIdentifier(trx, contact.identifier);
    const text = existing ? t('mail.existsBody') : t('mail.codeBody', { code, minutes: CODE_MINUTES });
    const queued = contact.channel === 'sms'
      ? await mail.sms(trx).send({ to: contact.identifier, text: t('sms.prefix', { text }), deliverBefore: expiresAt })
      : await mail.mailer(trx).send({ to: contact.identifier, subject: existing ? t('mail.existsSubject') : t('mail.codeSubject', { code }), text, deliverBefore: expiresAt });
    return { id: challenge.id, messageId: queued.id };
  });
  const delivery = await mail.deliverNow(messageId);
  if (delivery === 'failed') throw new DomainError('invalid_input', 'The message could not be delivered.', { fields: [{ field: 'email', reason: t('register.undeliverable') }] });
  await sweepExpired(db);
  return { challengeId: id, delivery };
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
