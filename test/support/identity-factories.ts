import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../../src/platform/db/database.ts';
import type { App } from '../../src/app.ts';
import { hashPassword } from '../../src/identity/password.ts';
import * as store from '../../src/identity/store.ts';
import { Client } from './app.ts';

export const CITIZEN_PASSWORD = 'citizen horse battery staple';
let passwordHash: Promise<string> | undefined;

/** A citizen with a verified email, optionally with two-step verification on, proofed (iAM Smart+) and an e-ME profile. */
export async function buildCitizen(db: Db, overrides: Partial<{ email: string; totp: boolean; proofed: boolean; profile: Record<string, string> }> = {}) {
  const email = overrides.email ?? `citizen-${randomUUID().slice(0, 8)}@example.test`;
  const totpSecret = overrides.totp ? new Secret({ size: 20 }).base32 : null;
  const row = await store.insertCitizen(db, {
    email, password_hash: await (passwordHash ??= hashPassword(CITIZEN_PASSWORD)), totp_secret: totpSecret, totp_pending_secret: null,
    proofed_at: overrides.proofed ? new Date() : null, disabled_at: null,
  });
  await store.upsertProfileField(db, { citizen_id: row.id, field: 'email', value: email, verified: true });
  for (const [field, value] of Object.entries(overrides.profile ?? { name_en: 'CHAN, Tai Man', date_of_birth: '1990-05-01' })) {
    await store.upsertProfileField(db, { citizen_id: row.id, field, value, verified: false });
  }
  return { ...row, password: CITIZEN_PASSWORD, totpCode: () => (totpSecret ? totpNow(totpSecret) : '') };
}

export const totpNow = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();

/** Signs a citizen in through the pages (password, then the TOTP code if the account has one). */
export async function signInCitizen(app: App, citizen: { email: string; password: string; totpCode: () => string }): Promise<Client> {
  const client = new Client(app);
  const first = await client.submit('/account/sign-in', '/account/sign-in', { email: citizen.email, password: citizen.password });
  if (first.statusCode !== 303) throw new Error(`citizen sign-in failed: ${first.statusCode}`);
  if (first.headers.location?.toString().startsWith('/account/sign-in/code')) {
    const second = await client.submit(first.headers.location.toString(), '/account/sign-in/code', { code: citizen.totpCode() });
    if (second.statusCode !== 303) throw new Error(`citizen second step failed: ${second.statusCode}`);
  }
  return client;
}
