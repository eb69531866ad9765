import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { toSimplified } from '../platform/i18n/index.ts';
import { documentTerms } from '../platform/search/index.ts';
import { listOrganisations } from '../organisations/index.ts';
import { CATEGORIES, type Category } from './service.ts';
import * as store from './store.ts';
import { DRIVING_LICENCE_FORM } from './sample-form.ts';
import { sampleRequirements } from './sample-requirements.ts';

type Sample = [org: string, slug: string, category: Category, en: string, hk: string, summaryEn: string, summaryHk: string, pledge: number, feeCents: number];

// Made-up services modelled on common ones; every name says "(sample)".
const SAMPLES: Sample[] = [
  ['TD', 'renew-driving-licence', 'transport', 'Renew a full driving licence (sample)', '續期正式駕駛執照（樣本）', 'Renew your full driving licence for up to ten years.', '將正式駕駛執照續期最多十年。', 10, 90_000],
  ['TD', 'vehicle-licence-renewal', 'transport', 'Renew a vehicle licence (sample)', '續期車輛牌照（樣本）', 'Renew the licence of a private car or motorcycle.', '續期私家車或電單車的牌照。', 5, 0],
  ['TD', 'international-driving-permit', 'transport', 'Apply for an international driving permit (sample)', '申請國際駕駛許可證（樣本）', 'Get a permit to drive abroad for one year.', '申請在海外駕駛一年的許可證。', 7, 8_000],
  ['FEHD', 'restaurant-licence', 'food', 'Apply for a general restaurant licence (sample)', '申請普通食肆牌照（樣本）', 'Open a restaurant that serves food for eating on the premises.', '開設供顧客在處所內進食的食肆。', 42, 0],
  ['FEHD', 'hawker-licence-renewal', 'food', 'Renew a hawker licence (sample)', '續期小販牌照（樣本）', 'Renew a fixed-pitch or itinerant hawker licence.', '續期固定攤位或流動小販牌照。', 14, 0],
  ['IMMD', 'replace-identity-card', 'immigration', 'Replace a lost identity card (sample)', '補領身份證（樣本）', 'Report a lost identity card and book a replacement.', '報失身份證並預約補領。', 10, 37_000],
  ['IMMD', 'passport-application', 'immigration', 'Apply for a passport (sample)', '申請護照（樣本）', 'Apply for a new passport or replace an expiring one.', '申請新護照或更換即將到期的護照。', 10, 37_000],
  ['LANDSD', 'short-term-tenancy', 'lands', 'Apply for a short-term tenancy of government land (sample)', '申請短期租用政府土地（樣本）', 'Rent government land for a temporary use.', '租用政府土地作臨時用途。', 60, 0],
  ['EPD', 'waste-disposal-account', 'environment', 'Open a construction waste disposal account (sample)', '開立建築廢物處置帳戶（樣本）', 'Pay charges for disposing of construction waste.', '繳付處置建築廢物的費用。', 7, 0],
  ['EPD', 'noise-permit', 'environment', 'Apply for a construction noise permit (sample)', '申請建築噪音許可證（樣本）', 'Carry out noisy construction work in restricted hours.', '在限制時段內進行產生噪音的建築工程。', 21, 145_000],
];

/** A published service's row; `like` names the sample whose requirements it has (its own slug by default). */
function row(organisationId: string, s: Sample, like = s[1]) {
  const [, slug, category, en, hk, summaryEn, summaryHk, pledge, feeCents] = s;
  const cn = toSimplified(hk);
  const summaryCn = toSimplified(summaryHk);
  return {
    organisation_id: organisationId, slug, category, status: 'published' as const, name_en: en, name_zh_hk: hk, name_zh_cn: cn,
    summary_en: summaryEn, summary_zh_hk: summaryHk, summary_zh_cn: summaryCn, pledge_working_days: pledge, fee_cents: feeCents,
    contact_email: null, published_at: new Date(), search_terms: documentTerms(en, hk, cn, summaryEn, summaryHk, summaryCn),
    ...sampleRequirements(like),
  };
}

/** The sample services, once, published. */
export async function seedServices(db: Db, ctx: RequestContext): Promise<number> {
  if ((await db.selectFrom('services').select('id').limit(1).execute()).length > 0) return 0;
  const organisations = new Map((await listOrganisations(db)).map((o) => [o.code, o.id]));
  const rows = SAMPLES.filter((s) => organisations.has(s[0])).map((s) => row(organisations.get(s[0])!, s));
  if (rows.length === 0) return 0;
  await db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('services').values(rows).returning(['id', 'slug']).execute();
    const licence = inserted.find((r) => r.slug === 'renew-driving-licence');
    if (licence) await store.makeFormLive(trx, await store.insertForm(trx, licence.id, DRIVING_LICENCE_FORM));
    await recordAudit(trx, ctx, { action: 'sample.services_seeded', recordType: 'service', detail: { services: rows.length } });
  });
  return rows.length;
}

/** `smartgov seed --services N`: adds synthetic published services (for scale tests) until the catalogue has N. */
export async function generateServices(db: Db, ctx: RequestContext, target: number): Promise<number> {
  const organisations = (await listOrganisations(db)).filter((o) => o.kind !== 'platform');
  if (organisations.length === 0) throw new Error('Seed organisations first');
  const existing = Number((await db.selectFrom('services').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  let made = 0;
  for (let start = existing; start < target; start += 500) {
    const rows = Array.from({ length: Math.min(500, target - start) }, (_, k) => {
      const i = start + k;
      const base = SAMPLES[i % SAMPLES.length]!;
      const sample: Sample = [base[0], `generated-${i}`, CATEGORIES[i % CATEGORIES.length]!, `${base[3].replace(' (sample)', '')} no. ${i} (sample)`, `${base[4].replace('（樣本）', '')}第 ${i} 號（樣本）`, base[5], base[6], base[7], base[8]];
      return row(organisations[i % organisations.length]!.id, sample, base[1]);
    });
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('services').values(rows).execute();
      await recordAudit(trx, ctx, { action: 'sample.services_generated', recordType: 'service', detail: { services: rows.length } });
    });
    made += rows.length;
  }
  return made;
}
