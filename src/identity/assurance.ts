/**
 * Levels of assurance, sent as `acr` in ID tokens and accepted in `acr_values` (documented in docs/IDENTITY.md):
 * - basic: password on an account whose email was verified;
 * - multi-factor: password and a second factor (TOTP or a recovery code), or a passkey with user verification;
 * - multi-factor-plus: multi-factor on an iAM Smart+ account (identity proofed at a help desk).
 */
export const ACR = {
  basic: 'urn:smartgov:loa:basic',
  multiFactor: 'urn:smartgov:loa:multi-factor',
  multiFactorPlus: 'urn:smartgov:loa:multi-factor-plus',
} as const;
export type Acr = (typeof ACR)[keyof typeof ACR];
export const ACR_VALUES: Acr[] = [ACR.basic, ACR.multiFactor, ACR.multiFactorPlus];

export const acrRank = (acr: string | undefined): number => ACR_VALUES.indexOf(acr as Acr) + 1;

/** The level a sign-in reaches, from its methods (RFC 8176 `amr` values) and whether the account is proofed. */
export function acrFor(amr: string[], proofed: boolean): Acr {
  // A second factor: a one-time code after the password, or a passkey unlocked with user verification.
  const multiFactor = amr.includes('otp') || (amr.includes('hwk') && amr.includes('user'));
  if (!multiFactor) return ACR.basic;
  return proofed ? ACR.multiFactorPlus : ACR.multiFactor;
}

/**
 * The level an authorization request needs: the lowest of the requested `acr_values` we know (a service asking
 * for several accepts any), and the highest level whenever it asks for the identity document number.
 */
export function requiredRank(params: { acr_values?: string | undefined; scope?: string | undefined }): number {
  const ranks = (params.acr_values ?? '').split(' ').map(acrRank).filter((r) => r > 0);
  const asked = ranks.length ? Math.min(...ranks) : 0;
  return (params.scope ?? '').split(' ').includes('identity_document') ? acrRank(ACR.multiFactorPlus) : asked;
}
