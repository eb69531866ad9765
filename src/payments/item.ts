import { Type, type Static } from 'typebox';
import type { Db, Queryable } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireRole, requireStaff } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { notFound } from '../platform/errors.ts';
import { toSimplified } from '../platform/i18n/index.ts';
import * as store from './store.ts';

export const PaymentItemInput = Type.Object({
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  nameZhHk: Type.String({ minLength: 1, maxLength: 200 }),
  nameZhCn: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Converted from nameZhHk when omitted' })),
  amountCents: Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'Amount in Hong Kong cents' }),
  revenueCode: Type.String({ pattern: '^[A-Z0-9-]{2,20}$', description: 'Revenue code the amount is booked under, e.g. TD-LIC-01' }),
}, { additionalProperties: false });
export type PaymentItemInput = Static<typeof PaymentItemInput>;

export const PaymentItem = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organisationId: Type.String({ format: 'uuid' }),
  name: Type.Object({ en: Type.String(), 'zh-HK': Type.String(), 'zh-CN': Type.String() }),
  amountCents: Type.Integer(),
  revenueCode: Type.String(),
});
export type PaymentItem = Static<typeof PaymentItem>;

export const presentItem = (row: store.PaymentItemRow): PaymentItem => ({
  id: row.id, organisationId: row.organisation_id, name: { en: row.name_en, 'zh-HK': row.name_zh_hk, 'zh-CN': row.name_zh_cn }, amountCents: row.amount_cents, revenueCode: row.revenue_code,
});

/** An organisation admin defines what their own department charges for. */
export async function createPaymentItem(db: Db, ctx: RequestContext, input: PaymentItemInput): Promise<PaymentItem> {
  const actor = requireRole(ctx.actor, 'organisation_admin');
  return db.transaction().execute(async (trx) => {
    const row = await store.insertItem(trx, {
      organisation_id: actor.organisationId, name_en: input.nameEn.trim(), name_zh_hk: input.nameZhHk.trim(),
      name_zh_cn: (input.nameZhCn ?? toSimplified(input.nameZhHk)).trim(), amount_cents: input.amountCents, revenue_code: input.revenueCode,
    });
    await recordAudit(trx, ctx, { action: 'payment_item.created', recordType: 'payment_item', recordId: row.id, detail: { amountCents: row.amount_cents, revenueCode: row.revenue_code } });
    return presentItem(row);
  });
}

/** Staff see their own organisation's items. */
export async function listPaymentItems(db: Db, ctx: RequestContext): Promise<PaymentItem[]> {
  const actor = requireStaff(ctx.actor);
  return (await store.itemsOfOrganisation(db, actor.organisationId)).map(presentItem);
}

/** Another organisation's item is "not found", exactly like one that does not exist. */
export async function getPaymentItem(db: Db, ctx: RequestContext, id: string): Promise<PaymentItem> {
  const row = await store.itemById(db, id);
  assertOrganisationRecord(ctx.actor, row?.organisation_id ?? null, 'The payment item');
  return presentItem(row!);
}

/** For other modules: an item by id, without an actor (a service's fee is a public fact). */
export async function findPaymentItem(db: Queryable, id: string): Promise<PaymentItem> {
  const row = await store.itemById(db, id);
  if (!row) throw notFound('The payment item');
  return presentItem(row);
}

export const formatHkd = (cents: number) => `HK$${(cents / 100).toFixed(2)}`;
