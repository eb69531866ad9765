import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Db } from '../platform/db/database.ts';
import type { Config } from '../platform/config.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { DomainError } from '../platform/errors.ts';
import { requireCitizen } from '../platform/access.ts';
import * as store from './store.ts';

// The relying party is smartgov's own public address; user verification is always required, so a passkey
// alone is two factors (something you have, unlocked by something you are or know).
const relyingParty = (config: Config) => ({ rpID: new URL(config.BASE_URL).hostname, origin: new URL(config.BASE_URL).origin });

export async function passkeyRegistrationOptions(db: Db, config: Config, ctx: RequestContext) {
  const actor = requireCitizen(ctx.actor);
  const existing = await store.passkeysOf(db, actor.id);
  return generateRegistrationOptions({
    rpName: 'smartgov iAM Smart', rpID: relyingParty(config).rpID, userName: actor.label, userID: new TextEncoder().encode(actor.id),
    attestationType: 'none', excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

export async function registerPasskey(db: Db, config: Config, ctx: RequestContext, challenge: string, response: RegistrationResponseJSON): Promise<void> {
  const actor = requireCitizen(ctx.actor);
  const { rpID, origin } = relyingParty(config);
  const result = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true })
    .catch(() => ({ verified: false, registrationInfo: undefined }));
  if (!result.verified || !result.registrationInfo) throw new DomainError('invalid_input', 'The passkey could not be verified.');
  const { credential } = result.registrationInfo;
  await db.transaction().execute(async (trx) => {
    await store.insertPasskey(trx, { credential_id: credential.id, citizen_id: actor.id, public_key: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter, transports: credential.transports ?? [] });
    await recordAudit(trx, ctx, { action: 'citizen.passkey_added', recordType: 'citizen', recordId: actor.id });
  });
}

/** Discoverable credentials: the browser offers the person's passkeys without asking for an email first. */
export function passkeySignInOptions(config: Config) {
  return generateAuthenticationOptions({ rpID: relyingParty(config).rpID, userVerification: 'required' });
}

/** Verifies a passkey assertion; returns the account and the methods used (RFC 8176: hardware key + user verification). */
export async function checkPasskey(db: Db, config: Config, challenge: string, response: AuthenticationResponseJSON): Promise<{ citizenId: string; amr: string[] }> {
  const failed = () => new DomainError('unauthenticated', 'The passkey could not be verified.');
  const passkey = await store.passkeyById(db, response.id);
  if (!passkey) throw failed();
  const { rpID, origin } = relyingParty(config);
  const result = await verifyAuthenticationResponse({
    response, expectedChallenge: challenge, expectedOrigin: origin, expectedRPID: rpID, requireUserVerification: true,
    credential: { id: passkey.credential_id, publicKey: Buffer.from(passkey.public_key, 'base64url'), counter: Number(passkey.counter), transports: passkey.transports as never },
  }).catch(() => ({ verified: false, authenticationInfo: undefined }));
  if (!result.verified || !result.authenticationInfo) throw failed();
  await store.markPasskeyUsed(db, passkey.credential_id, result.authenticationInfo.newCounter);
  return { citizenId: passkey.citizen_id, amr: ['hwk', 'user'] };
}

export async function listPasskeys(db: Db, ctx: RequestContext) {
  const actor = requireCitizen(ctx.actor);
  return (await store.passkeysOf(db, actor.id)).map((p) => ({ addedAt: p.created_at, lastUsedAt: p.last_used_at }));
}
