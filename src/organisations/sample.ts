import type { Db } from '../platform/db/database.ts';
import type { RequestContext, StaffRole } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { toSimplified } from '../platform/i18n/index.ts';
import { hashPassword } from './staff.ts';
import * as store from './store.ts';

/** Every sample account has this password. Sample data is for demonstrations and development only. */
export const SAMPLE_PASSWORD = 'sample-password-2026';

const SAMPLE_ORGANISATIONS: { code: string; kind: store.OrganisationKind; parent?: string; en: string; hk: string }[] = [
  { code: 'DPO', kind: 'platform', en: 'Digital Policy Office (sample)', hk: '數字政策辦公室（樣本）' },
  { code: 'ITIB', kind: 'bureau', en: 'Innovation, Technology and Industry Bureau (sample)', hk: '創新科技及工業局（樣本）' },
  { code: 'THB', kind: 'bureau', en: 'Transport and Logistics Bureau (sample)', hk: '運輸及物流局（樣本）' },
  { code: 'TD', kind: 'department', parent: 'THB', en: 'Transport Department (sample)', hk: '運輸署（樣本）' },
  { code: 'FEHD', kind: 'department', en: 'Food and Environmental Hygiene Department (sample)', hk: '食物環境衞生署（樣本）' },
  { code: 'IMMD', kind: 'department', en: 'Immigration Department (sample)', hk: '入境事務處（樣本）' },
  { code: 'LANDSD', kind: 'department', en: 'Lands Department (sample)', hk: '地政總署（樣本）' },
  { code: 'EPD', kind: 'department', en: 'Environmental Protection Department (sample)', hk: '環境保護署（樣本）' },
];

const SAMPLE_STAFF: { org: string; local: string; name: string; roles: StaffRole[] }[] = [
  { org: 'DPO', local: 'admin', name: 'Platform Admin (sample)', roles: ['platform_admin', 'organisation_admin'] },
  ...['TD', 'FEHD', 'IMMD', 'LANDSD', 'EPD'].flatMap((org) => [
    { org, local: 'admin', name: `${org} Admin (sample)`, roles: ['organisation_admin'] as StaffRole[] },
    { org, local: 'officer', name: `${org} Officer (sample)`, roles: ['officer'] as StaffRole[] },
    { org, local: 'approver', name: `${org} Approver (sample)`, roles: ['approver'] as StaffRole[] },
  ]),
];

export const sampleEmail = (org: string, local: string) => `${local}@${org.toLowerCase()}.sample.gov.hk`;

/** Creates the sample organisations and staff once; a no-op when organisations exist already. */
export async function seedOrganisations(db: Db, ctx: RequestContext): Promise<boolean> {
  if ((await store.countOrganisations(db)) > 0) return false;
  const passwordHash = await hashPassword(SAMPLE_PASSWORD);
  await db.transaction().execute(async (trx) => {
    const ids = new Map<string, string>();
    for (const o of SAMPLE_ORGANISATIONS) {
      const row = await store.insertOrganisation(trx, {
        code: o.code, kind: o.kind, parent_id: o.parent ? (ids.get(o.parent) ?? null) : null, name_en: o.en, name_zh_hk: o.hk, name_zh_cn: toSimplified(o.hk),
      });
      ids.set(o.code, row.id);
    }
    for (const s of SAMPLE_STAFF) {
      await store.insertStaff(trx, { organisation_id: ids.get(s.org)!, email: sampleEmail(s.org, s.local), display_name: s.name, password_hash: passwordHash, roles: s.roles });
    }
    await recordAudit(trx, ctx, { action: 'sample.organisations_seeded', recordType: 'organisation', detail: { organisations: SAMPLE_ORGANISATIONS.length, staff: SAMPLE_STAFF.length } });
  });
  return true;
}
