import { randomBytes } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import type { Db } from '../platform/db/database.ts';
import type { Config } from '../platform/config.ts';
import type { RequestContext, StaffActor } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError } from '../platform/errors.ts';
import { defineSessions } from '../platform/sessions/index.ts';
import { assertNotThrottled, clearFailures, recordFailure, type ThrottleRule } from '../platform/throttle/index.ts';
import { hashPassword } from './staff.ts';
import * as store from './store.ts';

const sessions = defineSessions({
  table: 'staff_sessions', owner: 'staff_id', cookie: 'sg_staff', live: store.liveSession,
  limits: (config: Config) => ({ idleMinutes: config.STAFF_SESSION_IDLE_MINUTES, maxHours: config.STAFF_SESSION_MAX_HOURS }),
});
export const STAFF_SESSION_COOKIE = sessions.cookie;

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
  const { sessionId, idHash, expiresAt } = sessions.issue(config);
  const actor: StaffActor = {
    kind: 'staff', id: account.id, label: account.display_name, organisationId: account.organisation_id, roles: account.roles, sessionId: idHash,
  };
  await db.transaction().execute(async (trx) => {
    await store.insertSession(trx, { id_hash: idHash, staff_id: account.id, address: input.address, expires_at: expiresAt });
    await recordAudit(trx, { actor, requestId: input.requestId }, { action: 'staff.signed_in', recordType: 'staff_account', recordId: account.id });
  });
  await clearFailures(db, [rules[1]!.key]);
  // Sessions past their absolute limit are worthless; sign-in is where they are swept, as for citizens.
  await store.deleteExpiredSessions(db);
  return { sessionId, actor };
}

/** The actor behind a session cookie, or undefined if it is unknown, expired or idle too long. */
export async function resolveSession(db: Db, config: Config, sessionId: string | undefined): Promise<StaffActor | undefined> {
  const session = await sessions.resolve(db, config, sessionId);
  if (!session) return undefined;
  const { row, idHash } = session;
  return { kind: 'staff', id: row.id, label: row.display_name, organisationId: row.organisation_id, roles: row.roles, sessionId: idHash };
}

export async function signOut(db: Db, ctx: RequestContext): Promise<void> {
  if (ctx.actor.kind !== 'staff') return;
  const actor = ctx.actor;
  await db.transaction().execute(async (trx) => {
    await sessions.end(trx, actor.id, actor.sessionId);
    await recordAudit(trx, ctx, { action: 'staff.signed_out', recordType: 'staff_account', recordId: actor.id });
  });
}
