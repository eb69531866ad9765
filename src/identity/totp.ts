import { Secret, TOTP } from 'otpauth';
import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError, invalidInput } from '../platform/errors.ts';
import { hashLongCode, newRecoveryCode } from './password.ts';
import { requireCitizen } from '../platform/access.ts';
import * as store from './store.ts';

const totpFor = (secret: string, label: string) => new TOTP({ issuer: 'smartgov iAM Smart', label, secret: Secret.fromBase32(secret), digits: 6, period: 30 });
// One step either side absorbs clock drift on phones.
const validTotp = (secret: string, code: string) => totpFor(secret, 'check').validate({ token: code.replace(/\s/g, ''), window: 1 }) !== null;

/** Starts two-step verification: a new secret, kept pending until the citizen proves their app has it. */
export async function startTotp(db: Db, ctx: RequestContext): Promise<{ secret: string; uri: string }> {
  const actor = requireCitizen(ctx.actor);
  const secret = new Secret({ size: 20 }).base32;
  await store.updateCitizen(db, actor.id, { totp_pending_secret: secret });
  return { secret, uri: totpFor(secret, actor.label).toString() };
}

export async function pendingTotp(db: Db, ctx: RequestContext): Promise<{ secret: string; uri: string } | undefined> {
  const actor = requireCitizen(ctx.actor);
  const citizen = await store.citizenById(db, actor.id);
  if (!citizen?.totp_pending_secret) return undefined;
  return { secret: citizen.totp_pending_secret, uri: totpFor(citizen.totp_pending_secret, actor.label).toString() };
}

/** Turns two-step verification on and returns ten recovery codes, shown once; only their hashes are kept. */
export async function confirmTotp(db: Db, ctx: RequestContext, code: string): Promise<string[]> {
  const actor = requireCitizen(ctx.actor);
  return db.transaction().execute(async (trx) => {
    const citizen = await store.citizenById(trx, actor.id);
    if (!citizen?.totp_pending_secret) throw new DomainError('conflict', 'Start setting up two-step verification first.');
    if (!validTotp(citizen.totp_pending_secret, code)) throw invalidInput([{ field: 'code', reason: 'The code is not right' }]);
    const codes = Array.from({ length: 10 }, newRecoveryCode);
    await store.updateCitizen(trx, actor.id, { totp_secret: citizen.totp_pending_secret, totp_pending_secret: null });
    await store.replaceRecoveryCodes(trx, actor.id, codes.map(hashLongCode));
    await recordAudit(trx, ctx, { action: 'citizen.two_step_enabled', recordType: 'citizen', recordId: actor.id });
    return codes;
  });
}

/** 'otp' when the code is the current TOTP or an unused recovery code (which is then spent); undefined otherwise. */
export async function checkSecondFactor(db: Db, citizenId: string, code: string): Promise<'otp' | undefined> {
  const citizen = await store.citizenById(db, citizenId);
  if (!citizen?.totp_secret || !code.trim()) return undefined;
  if (/^\d{6}$/.test(code.replace(/\s/g, ''))) return validTotp(citizen.totp_secret, code) ? 'otp' : undefined;
  return (await store.useRecoveryCode(db, citizenId, hashLongCode(code))) ? 'otp' : undefined;
}

export async function hasTotp(db: Db, citizenId: string): Promise<boolean> {
  return (await store.citizenById(db, citizenId))?.totp_secret != null;
}
