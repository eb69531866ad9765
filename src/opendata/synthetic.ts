import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { toSimplified } from '../platform/i18n/index.ts';
import { listOrganisations } from '../organisations/index.ts';
import { CATEGORIES } from './catalogue.ts';
import { searchDocument } from './search-text.ts';
import { changeCatalogue } from './ckan/cache.ts';

// Synthetic datasets for scale tests and benchmarks (`smartgov seed --datasets N`): varied words in English and
// Chinese, spread over the organisations and categories, each with a linked CSV resource. Labelled as synthetic.

const TOPICS: [string, string][] = [
  ['traffic speed', '交通速度'], ['rainfall', '雨量'], ['school places', '學位'], ['hospital beds', '醫院病床'], ['public housing', '公共房屋'],
  ['library loans', '圖書館借閱'], ['water quality', '水質'], ['building permits', '建築許可'], ['tourist arrivals', '旅客人次'], ['noise levels', '噪音水平'],
  ['bus routes', '巴士路線'], ['ferry schedules', '渡輪班次'], ['recycling points', '回收點'], ['sports venues', '體育場地'], ['street lights', '街燈'],
];
const DISTRICTS: [string, string][] = [['Sha Tin', '沙田'], ['Kwun Tong', '觀塘'], ['Yuen Long', '元朗'], ['Wan Chai', '灣仔'], ['Tsuen Wan', '荃灣'], ['Islands', '離島']];
const BATCH = 500;

/** Adds synthetic datasets until the catalogue holds at least `total`; returns how many were added. */
export async function seedSyntheticDatasets(db: Db, ctx: RequestContext, total: number): Promise<number> {
  const organisations = (await listOrganisations(db)).filter((o) => o.kind !== 'platform');
  if (organisations.length === 0) throw new Error('Add organisations first (smartgov seed adds the sample ones).');
  const existing = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM opendata_datasets`.execute(db)).rows[0]?.n ?? 0);
  const wanted = Math.max(0, total - existing);
  for (let from = 0; from < wanted; from += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, wanted - from) }, (_, k) => {
      const n = existing + from + k + 1;
      const [topicEn, topicHk] = TOPICS[n % TOPICS.length]!;
      const [districtEn, districtHk] = DISTRICTS[Math.floor(n / TOPICS.length) % DISTRICTS.length]!;
      const titleEn = `${topicEn} in ${districtEn} ${n} (synthetic)`;
      const titleHk = `${districtHk}${topicHk} ${n}（合成）`;
      const tags = [topicEn.split(' ')[0]!, districtEn.toLowerCase()];
      return {
        name: `synthetic-${String(n).padStart(6, '0')}`, organisation_id: organisations[n % organisations.length]!.id, category: CATEGORIES[n % CATEGORIES.length]!.id,
        title_en: titleEn, title_zh_hk: titleHk, title_zh_cn: toSimplified(titleHk),
        notes_en: `Synthetic dataset number ${n} about ${topicEn} in ${districtEn}, for scale tests.`, notes_zh_hk: `第 ${n} 個合成資料集：${districtHk}的${topicHk}，供規模測試。`, notes_zh_cn: '',
        tags, licence: 'hk-dgov-terms', formats: ['CSV'], update_frequency: 'monthly', contact_email: '', data_dictionary_url: '', spatial: false,
        search_text: searchDocument([titleEn, titleHk, `Synthetic dataset about ${topicEn} in ${districtEn}`, ...tags]),
      };
    });
    await changeCatalogue(db, async (trx) => {
      const inserted = await trx.insertInto('opendata_datasets').values(rows.map((r) => ({ ...r, notes_zh_cn: toSimplified(r.notes_zh_hk) }))).returning(['id', 'name']).execute();
      await trx.insertInto('opendata_resources').values(inserted.map((d) => ({
        dataset_id: d.id, position: 0, name_en: 'Data (CSV)', name_zh_hk: '數據（CSV）', name_zh_cn: '数据（CSV）', format: 'CSV',
        external_url: `https://data.example.invalid/${d.name}.csv`,
      }))).execute();
      await recordAudit(trx, ctx, { action: 'sample.opendata_synthetic_added', recordType: 'dataset', detail: { count: inserted.length } });
    });
  }
  // Every statement that adds datasets rewrites the one-row catalogue size and version (two new row versions per
  // dataset here): after a bulk load the table is hundreds of pages of dead rows that each API call's version read
  // scans (0.3 ms of database time at 55,000 datasets). A plain vacuum cannot shrink it (the live row is on the last
  // page), so the bulk load rewrites the one row's table, as an operator would after one.
  if (wanted > 0) await sql`VACUUM FULL opendata_catalogue_size`.execute(db);
  // And, as an operator would too, gives the planner the new rows' statistics and marks their pages all-visible (the
  // catalogue's counts are index-only scans), rather than leave both to autovacuum while the portal is being used.
  if (wanted > 0) await sql`VACUUM (ANALYZE) opendata_datasets, opendata_resources`.execute(db);
  return wanted;
}
