import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { requireCitizen } from '../platform/access.ts';
import { applicationsAwaitingCitizen } from '../services/index.ts';
import { openBillsOf } from '../payments/index.ts';
import { documentsNeedingAttention } from '../wallet/index.ts';

/** One person's items from every department, gathered through each module's public face. */
export async function attentionItems(db: Db, ctx: RequestContext) {
  const citizen = requireCitizen(ctx.actor);
  const [applications, bills, documents] = await Promise.all([
    applicationsAwaitingCitizen(db, citizen.id), openBillsOf(db, citizen.id), documentsNeedingAttention(db, citizen.id),
  ]);
  return { applications, bills: bills.filter((b) => !b.paid).sort((a, b) => a.dueDate.localeCompare(b.dueDate)), ...documents };
}
export type AttentionItems = Awaited<ReturnType<typeof attentionItems>>;
