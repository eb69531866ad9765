import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import type { DeliveryOutcome, MailService } from '../platform/mail/index.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { identityMessages } from './messages.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError } from '../platform/errors.ts';
import { assertNotThrottled, recordFailure, type ThrottleRule } from '../platform/throttle/index.ts';
import { requireCitizen } from '../platform/access.ts';
import { hashShortCode, newSixDigitCode } from './password.ts';
import * as store from './store.ts';

const CODE_MINUTES = 10;
const CODE_ATTEMPTS = 5;
const wrong = () => new DomainError('invalid_input', 'The code is not right, or it has expired.', { fields: [{ field: 'code', reason: 'The code is not right, or it has expired' }] });

/**
 * Texts a code to the mobile number in the citizen's profile; sending is limited, since each text costs money. The
 * code and its text are committed together; a gateway failure leaves the text queued until the code expires.
 */
export async function sendPhoneCode(db: Db, mail: Pick<MailService, 'sms' | 'deliverNow'>, secret: string, ctx: RequestContext, locale: Locale): Promise<DeliveryOutcome> {
  const actor = requireCitizen(ctx.actor);
  const phone = (await store.profileFields(db, actor.id)).find((f) => f.field === 'phone');
  if (!phone) throw new DomainError('conflict', 'Add a mobile phone number to your profile first.');
  if (phone.verified) throw new DomainError('conflict', 'Your mobile phone number is verified already.');
  const rules: ThrottleRule[] = [{ key: `citizen-sms:account:${actor.id}`, limit: 5, windowSeconds: 3600, mode: 'block' }];
  await assertNotThrottled(db, rules);
  await recordFailure(db, rules);
  const code = newSixDigitCode();
  const number = phone.value.replace(/\s/g, '');
  const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
  const text = identityMessages(locale)('sms.phoneCode', { code, minutes: CODE_MINUTES });
  const queued = await db.transaction().execute(async (trx) => {
    await store.insertPhoneCode(trx, { citizen_id: actor.id, phone: number, code_hash: hashShortCode(secret, code), expires_at: expiresAt });
    return mail.sms(trx).send({ to: number, text, deliverBefore: expiresAt });
  });
  const delivery = await mail.deliverNow(queued.id);
  if (delivery === 'failed') throw new DomainError('invalid_input', 'The text message could not be delivered.', { fields: [{ field: 'code', reason: identityMessages(locale)('phone.undeliverable') }] });
  return delivery;
}

/** Confirms the number: it becomes a verified e-ME field, unless the profile's number changed since the code was sent. */
export async function confirmPhoneCode(db: Db, secret: string, ctx: RequestContext, code: string): Promise<void> {
  const actor = requireCitizen(ctx.actor);
  const challenge = await store.attemptPhoneCode(db, actor.id, CODE_ATTEMPTS);
  if (!challenge || challenge.code_hash !== hashShortCode(secret, code.trim())) throw wrong();
  await db.transaction().execute(async (trx) => {
    const phone = (await store.profileFields(trx, actor.id)).find((f) => f.field === 'phone');
    if (!phone || phone.value.replace(/\s/g, '') !== challenge.phone || !(await store.markPhoneCodeUsed(trx, challenge.id))) throw wrong();
    await store.upsertProfileField(trx, { citizen_id: actor.id, field: 'phone', value: phone.value, verified: true });
    await recordAudit(trx, ctx, { action: 'citizen.phone_verified', recordType: 'citizen', recordId: actor.id });
  });
}
