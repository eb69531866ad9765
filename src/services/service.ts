import { Type, type Static } from 'typebox';
import type { Db, Queryable, Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound } from '../platform/errors.ts';
import { findPaymentItem } from '../payments/index.ts';
import { toSimplified, type Locale } from '../platform/i18n/index.ts';
import { documentTerms } from '../platform/search/index.ts';
import { presentRequirements, requirementColumns, Requirements, RequirementsInput, Trilingual } from './requirements.ts';
import * as store from './store.ts';

export const CATEGORIES = ['transport', 'business', 'health', 'housing', 'immigration', 'environment', 'lands', 'food', 'education', 'employment', 'tax', 'recreation'] as const;
export type Category = (typeof CATEGORIES)[number];

export const ServiceInput = Type.Object({
  slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,79}$', description: 'Address of the service page: lower-case letters, digits and hyphens' }),
  category: Type.Unsafe<Category>({ type: 'string', enum: [...CATEGORIES] }),
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  nameZhHk: Type.String({ minLength: 1, maxLength: 200 }),
  nameZhCn: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Converted from nameZhHk when omitted' })),
  summaryEn: Type.String({ maxLength: 2000 }),
  summaryZhHk: Type.String({ maxLength: 2000 }),
  summaryZhCn: Type.Optional(Type.String({ maxLength: 2000 })),
  pledgeWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  feeItemId: Type.Optional(Type.String({ format: 'uuid', description: "One of your organisation's payment items: its amount is the fee, paid online" })),
  feeDue: Type.Optional(Type.Union([Type.Literal('submission'), Type.Literal('approval')], { description: "When the fee is paid: on submission (the default), or once the application is approved, before the licence is issued" })),
  contactEmail: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  ...RequirementsInput,
}, { additionalProperties: false });
export type ServiceInput = Static<typeof ServiceInput>;

const Text = Trilingual;
const entryFields = {
  id: Type.String({ format: 'uuid' }), slug: Type.String(), organisationId: Type.String({ format: 'uuid' }), category: Type.String(),
  status: Type.String(), name: Text, summary: Text, pledgeWorkingDays: Type.Union([Type.Integer(), Type.Null()]),
  feeCents: Type.Integer(), feeItemId: Type.Union([Type.String(), Type.Null()]), feeDue: Type.Union([Type.Literal('submission'), Type.Literal('approval')]), contactEmail: Type.Union([Type.String(), Type.Null()]), version: Type.Integer(),
};
// Lists leave out who can apply and the documents: they tripled a search page's size for what its links show.
export const CatalogueEntry = Type.Object(entryFields, { description: 'A service as the catalogue lists it; GET /api/v1/services/{slug} adds eligibility and requiredDocuments' });
export type CatalogueEntry = Static<typeof CatalogueEntry>;
export const Service = Type.Object({ ...entryFields, ...Requirements });
export type Service = Static<typeof Service>;

export const presentEntry = (row: store.CatalogueEntryRow): CatalogueEntry => ({
  id: row.id, slug: row.slug, organisationId: row.organisation_id, category: row.category, status: row.status,
  name: { en: row.name_en, 'zh-HK': row.name_zh_hk, 'zh-CN': row.name_zh_cn },
  summary: { en: row.summary_en, 'zh-HK': row.summary_zh_hk, 'zh-CN': row.summary_zh_cn },
  pledgeWorkingDays: row.pledge_working_days, feeCents: row.fee_cents, feeItemId: row.fee_item_id, feeDue: row.fee_due, contactEmail: row.contact_email, version: row.version,
});
export const presentService = (row: store.ServiceRow): Service => ({ ...presentEntry(row), ...presentRequirements(row) });

export const serviceName = (service: Service, locale: Locale) => service.name[locale];

/** The fee comes from a payment item of the same organisation (payments module), or there is none. */
async function fee(trx: Queryable, organisationId: string, feeItemId: string | undefined) {
  if (!feeItemId) return { fee_item_id: null, fee_cents: 0 };
  const item = await findPaymentItem(trx, feeItemId).catch(() => undefined);
  if (!item || item.organisationId !== organisationId) throw invalidInput([{ field: 'body.feeItemId', reason: "is not one of your organisation's payment items" }]);
  return { fee_item_id: item.id, fee_cents: item.amountCents };
}

function columns(input: ServiceInput) {
  const nameZhCn = input.nameZhCn ?? toSimplified(input.nameZhHk);
  const summaryZhCn = input.summaryZhCn ?? toSimplified(input.summaryZhHk);
  return {
    slug: input.slug, category: input.category, name_en: input.nameEn.trim(), name_zh_hk: input.nameZhHk.trim(), name_zh_cn: nameZhCn.trim(),
    summary_en: input.summaryEn.trim(), summary_zh_hk: input.summaryZhHk.trim(), summary_zh_cn: summaryZhCn.trim(),
    pledge_working_days: input.pledgeWorkingDays ?? null, fee_due: input.feeDue ?? 'submission', contact_email: input.contactEmail ?? null,
    search_terms: documentTerms(input.nameEn, input.nameZhHk, nameZhCn, input.summaryEn, input.summaryZhHk, summaryZhCn),
    ...requirementColumns(input),
  };
}

/** Organisation admins manage their organisation's services. */
export async function createService(db: Db, ctx: RequestContext, input: ServiceInput): Promise<Service> {
  const actor = requireRole(ctx.actor, 'organisation_admin');
  return db.transaction().execute(async (trx) => {
    if (await store.serviceBySlug(trx, input.slug)) throw conflict(`The address ${input.slug} is taken by another service.`);
    const row = await store.insertService(trx, { ...columns(input), ...(await fee(trx, actor.organisationId, input.feeItemId)), organisation_id: actor.organisationId, published_at: null });
    await recordAudit(trx, ctx, { action: 'service.created', recordType: 'service', recordId: row.id, organisationId: row.organisation_id, detail: { slug: row.slug, feeDue: row.fee_due, requiredDocuments: row.required_documents.length } });
    return presentService(row);
  });
}

/** A service of the actor's organisation, or "not found" (whatever exists elsewhere). */
export async function getOwnService(db: Db, ctx: RequestContext, id: string): Promise<Service> {
  const actor = requireRole(ctx.actor, 'organisation_admin', 'officer', 'approver');
  const row = await store.serviceById(db, id);
  assertOrganisationRecord(actor, row?.organisation_id ?? null, 'The service');
  return presentService(row!);
}

export async function listOwnServices(db: Db, ctx: RequestContext): Promise<Service[]> {
  const actor = requireRole(ctx.actor, 'organisation_admin', 'officer', 'approver');
  return (await store.servicesOfOrganisation(db, actor.organisationId)).map(presentService);
}

/** Edits need the version the editor saw: two admins editing at once cannot overwrite each other unseen. */
export async function updateService(db: Db, ctx: RequestContext, id: string, version: number, input: ServiceInput): Promise<Service> {
  return changeService(db, ctx, id, version, 'service.updated', async (trx, row) => {
    if (input.slug !== row.slug && (await store.serviceBySlug(trx, input.slug))) throw conflict(`The address ${input.slug} is taken by another service.`);
    return { ...columns(input), ...(await fee(trx, row.organisation_id, input.feeItemId)) };
  });
}

export async function setServiceStatus(db: Db, ctx: RequestContext, id: string, version: number, status: 'published' | 'withdrawn'): Promise<Service> {
  return changeService(db, ctx, id, version, `service.${status}`, async (_trx, row) => {
    if (row.status === status) throw conflict(`The service is already ${status}.`);
    return { status, ...(status === 'published' ? { published_at: new Date() } : {}) };
  });
}

async function changeService(
  db: Db, ctx: RequestContext, id: string, version: number, action: string,
  changes: (trx: Trx, row: store.ServiceRow) => Promise<Parameters<typeof store.updateService>[3]>,
): Promise<Service> {
  const actor = requireRole(ctx.actor, 'organisation_admin');
  return db.transaction().execute(async (trx) => {
    const row = await store.serviceById(trx, id);
    assertOrganisationRecord(actor, row?.organisation_id ?? null, 'The service');
    const updated = await store.updateService(trx, id, version, await changes(trx, row!));
    if (!updated) throw conflict('Someone else changed this service since you opened it. Reload it and make your change again.');
    await recordAudit(trx, ctx, { action, recordType: 'service', recordId: id, organisationId: updated.organisation_id, detail: { version: updated.version, feeDue: updated.fee_due, requiredDocuments: updated.required_documents.length } });
    return presentService(updated);
  });
}

export async function getPublishedService(db: Db, slug: string): Promise<Service> {
  const row = await store.serviceBySlug(db, slug);
  if (!row || row.status !== 'published') throw notFound('The service');
  return presentService(row);
}
