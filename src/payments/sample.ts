import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { toSimplified } from '../platform/i18n/index.ts';
import { getOrganisation } from '../organisations/index.ts';
import * as store from './store.ts';

// A few of the ~600 payment items the paper counts, and one open bill to pay at /bills/<id>.
const SAMPLE_ITEMS: { org: string; en: string; hk: string; cents: number; code: string }[] = [
  { org: 'TD', en: 'Full driving licence renewal (10 years) (sample)', hk: '續領正式駕駛執照（10 年）（樣本）', cents: 90_000, code: 'TD-DL-10' },
  { org: 'TD', en: 'Vehicle licence renewal, private car (sample)', hk: '私家車車輛牌照續期（樣本）', cents: 563_000, code: 'TD-VL-PC' },
  { org: 'FEHD', en: 'Restaurant licence application fee (sample)', hk: '食肆牌照申請費（樣本）', cents: 412_000, code: 'FEHD-RL-01' },
  { org: 'IMMD', en: 'Certificate of registered particulars (sample)', hk: '登記事項證明書（樣本）', cents: 15_000, code: 'IMMD-CRP-01' },
  { org: 'LANDSD', en: 'Land search, per document (sample)', hk: '土地查冊，每份文件（樣本）', cents: 1_000, code: 'LANDSD-LS-01' },
];

/** Adds sample payment items and a bill, once; returns the bill's id, or undefined if there was sample data already. */
export async function seedPayments(db: Db, ctx: RequestContext): Promise<string | undefined> {
  if (await db.selectFrom('payment_items').select('id').limit(1).executeTakeFirst()) return undefined;
  const organisations = new Map<string, string>();
  for (const code of new Set(SAMPLE_ITEMS.map((i) => i.org))) organisations.set(code, (await getOrganisation(db, code).catch(() => undefined))?.id ?? '');
  if ([...organisations.values()].some((id) => !id)) return undefined;
  return db.transaction().execute(async (trx) => {
    const items = [];
    for (const i of SAMPLE_ITEMS) {
      items.push(await store.insertItem(trx, { organisation_id: organisations.get(i.org)!, name_en: i.en, name_zh_hk: i.hk, name_zh_cn: toSimplified(i.hk), amount_cents: i.cents, revenue_code: i.code }));
    }
    const renewal = items[1]!;
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const bill = await store.insertBill(trx, { organisation_id: renewal.organisation_id, item_id: renewal.id, citizen_id: null, reference: 'VL-SAMPLE-0001', amount_cents: renewal.amount_cents, due_date: due });
    await recordAudit(trx, ctx, { action: 'sample.payments_seeded', recordType: 'payment_item', detail: { items: items.length, billId: bill.id } });
    return bill.id;
  });
}
