import type { Logger } from 'pino';
import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { hashPassword } from './password.ts';
import { registerClient } from './oidc/clients.ts';
import * as store from './store.ts';

// Sample data, for demonstrations and development only: published credentials, labelled "(sample)" everywhere.
export const SAMPLE_CITIZEN_PASSWORD = 'sample-citizen-2026';
/** The TOTP key of the sample iAM Smart+ citizen: add it to any authenticator app to sign in as her. */
export const SAMPLE_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
export const SAMPLE_CLIENT = { clientId: 'sample-library', clientSecret: 'sample-library-secret-not-for-production', redirectUri: 'http://localhost:4000/callback' };

const SAMPLE_CITIZENS = [
  { email: 'chan.taiman@sample.example', totp: false, proofed: false, profile: { name_en: 'CHAN, Tai Man (sample)', name_zh: '陳大文（樣本）', date_of_birth: '1985-03-14', residential_address: 'Flat A, 10/F, Sample Building, 1 Sample Road, Kowloon', phone: '+852 5555 0101' } },
  { email: 'wong.mei@sample.example', totp: true, proofed: true, profile: { name_en: 'WONG, Mei (sample)', name_zh: '黃美（樣本）', date_of_birth: '1992-11-02', residential_address: 'Room 3, 22/F, Sample Court, 8 Sample Street, Hong Kong', phone: '+852 5555 0102' } },
];

export const SAMPLE_PERSONAS = SAMPLE_CITIZENS.map((c) => c.email);

/** Adds the sample citizens and a sample relying party once; a no-op when citizens exist already. */
export async function seedIdentity(db: Db, ctx: RequestContext, logger: Logger): Promise<boolean> {
  if (await db.selectFrom('citizens').select('id').limit(1).executeTakeFirst()) return false;
  const passwordHash = await hashPassword(SAMPLE_CITIZEN_PASSWORD);
  await db.transaction().execute(async (trx) => {
    for (const c of SAMPLE_CITIZENS) {
      const row = await store.insertCitizen(trx, { email: c.email, password_hash: passwordHash, totp_secret: c.totp ? SAMPLE_TOTP_SECRET : null, totp_pending_secret: null, proofed_at: c.proofed ? new Date() : null, disabled_at: null });
      await store.upsertProfileField(trx, { citizen_id: row.id, field: 'email', value: c.email, verified: true });
      for (const [field, value] of Object.entries(c.profile)) await store.upsertProfileField(trx, { citizen_id: row.id, field, value, verified: c.proofed });
    }
    await recordAudit(trx, ctx, { action: 'sample.citizens_seeded', recordType: 'citizen', detail: { citizens: SAMPLE_CITIZENS.length } });
  });
  await registerClient(db, ctx, {
    clientId: SAMPLE_CLIENT.clientId, clientSecret: SAMPLE_CLIENT.clientSecret, clientName: 'Public Library card (sample service)',
    purpose: 'To fill in your library card application with your name and address.', purposeZh: '以你的姓名及地址填寫借書證申請。',
    redirectUris: [SAMPLE_CLIENT.redirectUri], postLogoutRedirectUris: ['http://localhost:4000/'],
  });
  logger.info(`sample citizens: ${SAMPLE_CITIZENS.map((c) => c.email).join(', ')} (password "${SAMPLE_CITIZEN_PASSWORD}"; ${SAMPLE_CITIZENS[1]!.email} also needs a TOTP code from key ${SAMPLE_TOTP_SECRET}). Sample OpenID client "${SAMPLE_CLIENT.clientId}", secret "${SAMPLE_CLIENT.clientSecret}", redirect ${SAMPLE_CLIENT.redirectUri}`);
  return true;
}
