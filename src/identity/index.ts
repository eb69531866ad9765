export { identityRoutes } from './module.ts';
export { citizenSessionPlugin } from './routes.tsx';
export { ACR, ACR_VALUES } from './assurance.ts';
export { seedIdentity, SAMPLE_CITIZEN_PASSWORD, SAMPLE_CLIENT } from './sample.ts';
export { registerClient, type ClientRegistration } from './oidc/clients.ts';
export { rotateSigningKeys } from './oidc/keys.ts';
export { loadProfile, type Profile } from './profile.ts';
export { documentKeys } from './proofing.ts';
export { rekeyIdentityDocuments, type RekeyResult } from './rekey.ts';
