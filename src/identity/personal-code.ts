import { randomInt } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError } from '../platform/errors.ts';
import { assertNotThrottled, recordFailure, type ThrottleRule } from '../platform/throttle/index.ts';
import { requireCitizen, requireRole } from '../platform/access.ts';
import { hashShortCode } from './password.ts';
import { loadProfile, type Profile } from './profile.ts';
import * as store from './store.ts';

export const PERSONAL_CODE_MINUTES = 5;
// No 0/O, 1/I/L: the code is read aloud over a counter or a phone line.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const normalise = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

/** The citizen asks for a code to read out to an officer; a new code replaces any unused one. */
export async function issuePersonalCode(db: Db, secret: string, ctx: RequestContext): Promise<{ code: string; expiresAt: Date }> {
  const actor = requireCitizen(ctx.actor);
  const code = Array.from({ length: 8 }, () => ALPHABET[randomInt(0, ALPHABET.length)]).join('');
  const expiresAt = new Date(Date.now() + PERSONAL_CODE_MINUTES * 60_000);
  await db.transaction().execute(async (trx) => {
    await store.insertPersonalCode(trx, { code_hash: hashShortCode(secret, code), citizen_id: actor.id, expires_at: expiresAt });
    await recordAudit(trx, ctx, { action: 'citizen.personal_code_issued', recordType: 'citizen', recordId: actor.id });
  });
  return { code: `${code.slice(0, 4)}-${code.slice(4)}`, expiresAt };
}

export interface ConfirmedPerson { email: string; proofed: boolean; profile: Profile }

/** An officer enters the code the person reads out: once, within minutes; guesses are limited per officer. */
export async function confirmPersonalCode(db: Db, secret: string, ctx: RequestContext, code: string): Promise<ConfirmedPerson> {
  const officer = requireRole(ctx.actor, 'officer');
  const rules: ThrottleRule[] = [{ key: `personal-code:officer:${officer.id}`, limit: 10, windowSeconds: 900, mode: 'block' }];
  await assertNotThrottled(db, rules);
  const citizenId = await db.transaction().execute(async (trx) => {
    const used = await store.usePersonalCode(trx, hashShortCode(secret, normalise(code)));
    if (used) await recordAudit(trx, ctx, { action: 'citizen.personal_code_confirmed', recordType: 'citizen', recordId: used.citizen_id });
    return used?.citizen_id;
  });
  if (!citizenId) {
    await recordFailure(db, rules);
    throw new DomainError('invalid_input', 'The code is not right, was used already, or has expired.', { fields: [{ field: 'code', reason: 'The code is not right, was used already, or has expired' }] });
  }
  const citizen = (await store.citizenById(db, citizenId))!;
  return { email: store.identifierOf(citizen), proofed: citizen.proofed_at !== null, profile: await loadProfile(db, citizen.id) };
}
