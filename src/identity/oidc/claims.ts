import type { Logger } from 'pino';
import type { Profile } from '../profile.ts';
import { openDocument, type DocumentKeys } from '../proofing.ts';
import type { CitizenRow } from '../store.ts';

type DocumentHolder = Pick<CitizenRow, 'id' | 'proofed_at' | 'document_type' | 'document_ciphertext'>;

/** What the `openid` scope releases (acr, amr and auth_time go in the ID token only: accounts' claims never hold them). */
export const OPENID_CLAIMS = ['sub', 'acr', 'amr', 'auth_time'] as const;
/** OpenID Connect scopes and the claims each releases, all taken from the e-ME profile. */
export const SCOPE_CLAIMS = {
  profile: ['name', 'chinese_name', 'birthdate', 'gender'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
  identity_document: ['identity_document_type', 'identity_document_number'],
} as const;
export type ProfileScope = keyof typeof SCOPE_CLAIMS;
export const PROFILE_SCOPES = Object.keys(SCOPE_CLAIMS) as ProfileScope[];

/** The e-ME claims about a citizen, in OpenID Connect's names; absent fields are left out, not sent empty. */
export function claimsFromProfile(profile: Profile): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (profile.name_en) claims.name = profile.name_en.value;
  if (profile.name_zh) claims.chinese_name = profile.name_zh.value;
  if (profile.date_of_birth) claims.birthdate = profile.date_of_birth.value;
  if (profile.gender) claims.gender = profile.gender.value;
  if (profile.email) Object.assign(claims, { email: profile.email.value, email_verified: profile.email.verified });
  if (profile.phone) Object.assign(claims, { phone_number: profile.phone.value.replace(/\s/g, ''), phone_number_verified: profile.phone.verified });
  if (profile.residential_address) claims.address = { formatted: profile.residential_address.value };
  return claims;
}

/**
 * The document checked at the help desk (iAM Smart+ accounts only), decrypted only to be released to a service.
 * One no key opens (sealed with a key since removed) is left out with a warning: the rest of the sign-in still works.
 */
export function identityDocumentClaims(keys: DocumentKeys, citizen: DocumentHolder, logger: Pick<Logger, 'warn'>): Record<string, unknown> {
  if (!citizen.proofed_at || !citizen.document_ciphertext) return {};
  const opened = openDocument(keys, citizen.document_ciphertext);
  if (!opened) {
    logger.warn({ citizen: citizen.id }, 'identity document cannot be opened with IDENTITY_KEY or SESSION_SECRET: identity_document claims left out');
    return {};
  }
  return { identity_document_type: citizen.document_type, identity_document_number: opened.number };
}
