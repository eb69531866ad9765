import { randomBytes } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import type { Db } from '../platform/db/database.ts';
import type { Config } from '../platform/config.ts';
import type { CitizenActor, RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError } from '../platform/errors.ts';
import { defineSessions } from '../platform/sessions/index.ts';
import { assertNotThrottled, clearFailures, recordFailure, type ThrottleRule } from '../platform/throttle/index.ts';
import { acrFor } from './assurance.ts';
import { hashPassword } from './password.ts';
import { checkSecondFactor } from './totp.ts';
import * as store from './store.ts';
import { parseContact } from './contact.ts';
import { sweepExpired } from './housekeeping.ts';

/** How long a citizen session lasts: CITIZEN_SESSION_IDLE_MINUTES without a request, CITIZEN_SESSION_MAX_HOURS in all. */
export type SessionLimits = Pick<Config, 'CITIZEN_SESSION_IDLE_MINUTES' | 'CITIZEN_SESSION_MAX_HOURS'>;
const sessions = defineSessions({
  table: 'citizen_sessions', owner: 'citizen_id', cookie: 'sg_citizen', live: store.liveSession,
  limits: (config: SessionLimits) => ({ idleMinutes: config.CITIZEN_SESSION_IDLE_MINUTES, maxHours: config.CITIZEN_SESSION_MAX_HOURS }),
});
export const CITIZEN_SESSION_COOKIE = sessions.cookie;

let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

function signInRules(email: string, address: string): ThrottleRule[] {
  return [
    { key: `citizen-sign-in:address:${address}`, limit: 30, windowSeconds: 900, mode: 'block' },
    { key: `citizen-sign-in:account-address:${email}:${address}`, limit: 5, windowSeconds: 900, mode: 'block' },
    // Never a lock-out: an attacker elsewhere only slows the owner to one attempt a minute at worst.
    { key: `citizen-sign-in:account:${email}`, limit: 10, windowSeconds: 3600, mode: 'slow', maxDelaySeconds: 60 },
  ];
}

export interface Device { address: string | undefined; userAgent: string | undefined; requestId: string }

/** First step: the password. Unknown accounts, wrong passwords and disabled accounts get the same answer. */
export async function checkPassword(db: Db, input: { email: string; password: string } & Device): Promise<{ citizenId: string; needsSecondFactor: boolean }> {
  // The identifier is an email address or a mobile number; anything else is simply an unknown account.
  const email = parseContact(input.email)?.identifier ?? input.email.trim().toLowerCase();
  const rules = signInRules(email, input.address ?? 'unknown');
  await assertNotThrottled(db, rules);
  const citizen = await store.citizenByIdentifier(db, email);
  const valid = await verify(citizen?.password_hash ?? (await decoy()), input.password).catch(() => false);
  if (!citizen || !valid || citizen.disabled_at) {
    await recordFailure(db, rules);
    throw new DomainError('unauthenticated', 'The email address or password is not right.');
  }
  await clearFailures(db, [rules[1]!.key]);
  return { citizenId: citizen.id, needsSecondFactor: citizen.totp_secret !== null };
}

/** Second step: a TOTP or recovery code, throttled per account and address like the password. */
export async function checkSecondStep(db: Db, input: { citizenId: string; code: string } & Device): Promise<string[]> {
  const rules: ThrottleRule[] = [
    { key: `citizen-otp:account-address:${input.citizenId}:${input.address}`, limit: 5, windowSeconds: 900, mode: 'block' },
    { key: `citizen-otp:account:${input.citizenId}`, limit: 10, windowSeconds: 3600, mode: 'slow', maxDelaySeconds: 60 },
  ];
  await assertNotThrottled(db, rules);
  const method = await checkSecondFactor(db, input.citizenId, input.code);
  if (!method) {
    await recordFailure(db, rules);
    throw new DomainError('unauthenticated', 'The code is not right.');
  }
  await clearFailures(db, [rules[0]!.key]);
  return ['pwd', method];
}

export interface CitizenSession { sessionId: string; actor: CitizenActor }

/** Opens a session with a new id (a planted id is useless); `replacing` ends the session it supersedes (step-up). */
export async function openSession(db: Db, limits: SessionLimits, input: { citizenId: string; amr: string[]; replacing?: string | undefined } & Device): Promise<CitizenSession> {
  const citizen = await store.citizenById(db, input.citizenId);
  if (!citizen) throw new DomainError('unauthenticated');
  const { sessionId, idHash, expiresAt } = sessions.issue(limits);
  const acr = acrFor(input.amr, citizen.proofed_at !== null);
  const authTime = new Date();
  const actor: CitizenActor = { kind: 'citizen', id: citizen.id, label: store.identifierOf(citizen), organisationId: null, sessionId: idHash, acr, amr: input.amr, authTime };
  await db.transaction().execute(async (trx) => {
    if (input.replacing) await sessions.end(trx, citizen.id, sessions.hash(input.replacing));
    await store.insertSession(trx, {
      id_hash: idHash, citizen_id: citizen.id, acr, amr: input.amr, auth_time: authTime,
      expires_at: expiresAt, address: input.address ?? null, user_agent: input.userAgent?.slice(0, 300) ?? null,
    });
    await recordAudit(trx, { actor, requestId: input.requestId }, { action: 'citizen.signed_in', recordType: 'citizen', recordId: citizen.id, detail: { acr, amr: input.amr } });
  });
  await sweepExpired(db);
  return { sessionId, actor };
}

export async function resolveSession(db: Db, limits: SessionLimits, sessionId: string | undefined): Promise<CitizenActor | undefined> {
  const session = await sessions.resolve(db, limits, sessionId);
  if (!session) return undefined;
  const { row, idHash } = session;
  return { kind: 'citizen', id: row.id, label: store.identifierOf(row), organisationId: null, sessionId: idHash, acr: row.acr, amr: row.amr, authTime: row.auth_time };
}

export async function signOut(db: Db, ctx: RequestContext): Promise<void> {
  if (ctx.actor.kind !== 'citizen' || !ctx.actor.sessionId) return;
  const actor = ctx.actor;
  const idHash = ctx.actor.sessionId;
  await db.transaction().execute(async (trx) => {
    await sessions.end(trx, actor.id, idHash);
    await recordAudit(trx, ctx, { action: 'citizen.signed_out', recordType: 'citizen', recordId: actor.id });
  });
}

export async function signOutEverywhere(db: Db, ctx: RequestContext): Promise<number> {
  if (ctx.actor.kind !== 'citizen') throw new DomainError('unauthenticated');
  const actor = ctx.actor;
  return db.transaction().execute(async (trx) => {
    const ended = await sessions.endAll(trx, actor.id);
    await recordAudit(trx, ctx, { action: 'citizen.signed_out_everywhere', recordType: 'citizen', recordId: actor.id, detail: { sessions: ended } });
    return ended;
  });
}

export interface DeviceSession { current: boolean; signedInAt: Date; lastSeenAt: Date; address: string | null; userAgent: string | null }

export async function listDevices(db: Db, actor: CitizenActor): Promise<DeviceSession[]> {
  return (await store.sessionsOf(db, actor.id)).map((s) => ({ current: s.id_hash === actor.sessionId, signedInAt: s.created_at, lastSeenAt: s.last_seen_at, address: s.address, userAgent: s.user_agent }));
}
