import { createHash, randomBytes } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import type { Db } from '../platform/db/database.ts';
import type { Config } from '../platform/config.ts';
import type { RequestContext, StaffActor } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError } from '../platform/errors.ts';
import { assertNotThrottled, clearFailures, recordFailure, type ThrottleRule } from '../platform/throttle/index.ts';
import { hashPassword } from './staff.ts';
import * as store from './store.ts';

export const STAFF_SESSION_COOKIE = 'sg_staff';
const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

// Verified against when the account does not exist, so both answers take as long.
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

function signInRules(email: string, address: string): ThrottleRule[] {
  return [
    { key: `staff-sign-in:address:${address}`, limit: 30, windowSeconds: 900, mode: 'block' },
    { key: `staff-sign-in:account-address:${email}:${address}`, limit: 5, windowSeconds: 900, mode: 'block' },
    // Never a lock-out: from other addresses the owner can still try, one attempt per (at most) a minute.
    { key: `staff-sign-in:account:${email}`, limit: 10, windowSeconds: 3600, mode: 'slow', maxDelaySeconds: 60 },
  ];
}

export interface SignInResult { sessionId: string; actor: StaffActor }

/** Checks the password and opens a new session (a new id every time, so a planted id is useless). */
export async function signIn(db: Db, config: Config, input: { email: string; password: string; address: string; requestId: string }): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const rules = signInRules(email, input.address);
  await assertNotThrottled(db, rules);
  const account = await store.staffByEmail(db, email);
  const valid = await verify(account?.password_hash ?? (await decoy()), input.password).catch(() => false);
  if (!account || !valid || account.disabled_at) {
    await recordFailure(db, rules);
    throw new DomainError('unauthenticated', 'The email address or password is not right.');
  }
  const sessionId = randomBytes(32).toString('base64url');
  const actor: StaffActor = {
    kind: 'staff', id: account.id, label: account.display_name, organisationId: account.organisation_id, roles: account.roles, sessionId: hashSessionId(sessionId),
  };
  await db.transaction().execute(async (trx) => {
    await store.insertSession(trx, {
      id_hash: actor.sessionId, staff_id: account.id, address: input.address,
      expires_at: new Date(Date.now() + config.STAFF_SESSION_MAX_HOURS * 3_600_000),
    });
    await recordAudit(trx, { actor, requestId: input.requestId }, { action: 'staff.signed_in', recordType: 'staff_account', recordId: account.id });
  });
  await clearFailures(db, [rules[1]!.key]);
  return { sessionId, actor };
}

/** The actor behind a session cookie, or undefined if it is unknown, expired or idle too long. */
export async function resolveSession(db: Db, config: Config, sessionId: string | undefined): Promise<StaffActor | undefined> {
  if (!sessionId || sessionId.length > 100) return undefined;
  const idHash = hashSessionId(sessionId);
  const row = await store.liveSession(db, idHash, config.STAFF_SESSION_IDLE_MINUTES);
  if (!row) return undefined;
  // Idle time is counted in minutes: one write a minute is enough.
  if (Date.now() - row.last_seen_at.getTime() > 60_000) await store.touchSession(db, idHash);
  return { kind: 'staff', id: row.id, label: row.display_name, organisationId: row.organisation_id, roles: row.roles, sessionId: idHash };
}

export async function signOut(db: Db, ctx: RequestContext): Promise<void> {
  if (ctx.actor.kind !== 'staff') return;
  const actor = ctx.actor;
  await db.transaction().execute(async (trx) => {
    await store.deleteSession(trx, actor.sessionId);
    await recordAudit(trx, ctx, { action: 'staff.signed_out', recordType: 'staff_account', recordId: actor.id });
  });
}
