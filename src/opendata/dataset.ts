import type { Db } from '../platform/db/database.ts';
import type { Actor, RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, hasRole, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound, type FieldError } from '../platform/errors.ts';
import { toSimplified, type Locale } from '../platform/i18n/index.ts';
import { inputErrors } from './error-messages.ts';
import { categoryById, licenceById, UPDATE_FREQUENCIES } from './catalogue.ts';
import { searchDocument } from './search-text.ts';
import * as store from './store.ts';
import { changeCatalogue } from './ckan/cache.ts';

/** What a publisher fills in; the console form and the sample data both come through here. */
export interface DatasetInput {
  name: string;
  titleEn: string;
  titleZhHk: string;
  titleZhCn?: string | undefined;
  notesEn: string;
  notesZhHk: string;
  notesZhCn?: string | undefined;
  category: string;
  tags: string[];
  licence: string;
  contactEmail: string;
  updateFrequency: string;
  dataDictionaryUrl: string;
  spatial: boolean;
}

const NAME = /^[a-z0-9][a-z0-9_-]{1,99}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkDatasetInput(input: DatasetInput, locale: Locale = 'en'): FieldError[] {
  const t = inputErrors(locale);
  const errors: FieldError[] = [];
  if (!NAME.test(input.name)) errors.push({ field: 'name', reason: t('name') });
  if (!input.titleEn.trim() || input.titleEn.length > 300) errors.push({ field: 'titleEn', reason: t('titleEn') });
  if (!input.titleZhHk.trim() || input.titleZhHk.length > 300) errors.push({ field: 'titleZhHk', reason: t('titleZhHk') });
  if (!categoryById(input.category)) errors.push({ field: 'category', reason: t('category') });
  if (!licenceById(input.licence)) errors.push({ field: 'licence', reason: t('licence') });
  if (input.contactEmail && !EMAIL.test(input.contactEmail)) errors.push({ field: 'contactEmail', reason: t('contactEmail') });
  if (input.updateFrequency && !(UPDATE_FREQUENCIES as readonly string[]).includes(input.updateFrequency)) errors.push({ field: 'updateFrequency', reason: t('updateFrequency') });
  if (input.dataDictionaryUrl && !/^https?:\/\/\S+$/.test(input.dataDictionaryUrl)) errors.push({ field: 'dataDictionaryUrl', reason: t('webAddress') });
  if (input.tags.some((tag) => tag.length > 60)) errors.push({ field: 'tags', reason: t('tags') });
  return errors;
}

/** Publishers are the officers and admins of the dataset's organisation (or a platform admin). */
export function assertPublisher(actor: Actor | undefined, organisationId: string): void {
  requireRole(actor, 'officer', 'organisation_admin', 'platform_admin');
  assertOrganisationRecord(actor, organisationId, 'The dataset');
}
export const canPublishFor = (actor: Actor | undefined, organisationId: string) =>
  hasRole(actor, 'platform_admin') || ((hasRole(actor, 'officer') || hasRole(actor, 'organisation_admin')) && actor?.organisationId === organisationId);

function columns(input: DatasetInput): Omit<store.NewDataset, 'organisation_id'> {
  const titleZhCn = input.titleZhCn?.trim() || toSimplified(input.titleZhHk.trim());
  const notesZhCn = input.notesZhCn?.trim() || toSimplified(input.notesZhHk.trim());
  const tags = [...new Set(input.tags.map((t) => t.trim()).filter(Boolean))];
  return {
    name: input.name, category: input.category, licence: input.licence, tags, spatial: input.spatial,
    title_en: input.titleEn.trim(), title_zh_hk: input.titleZhHk.trim(), title_zh_cn: titleZhCn,
    notes_en: input.notesEn.trim(), notes_zh_hk: input.notesZhHk.trim(), notes_zh_cn: notesZhCn,
    contact_email: input.contactEmail.trim(), update_frequency: input.updateFrequency, data_dictionary_url: input.dataDictionaryUrl.trim(),
    search_text: searchDocument([input.name.replace(/[-_]/g, ' '), input.titleEn, input.titleZhHk, titleZhCn, input.notesEn, input.notesZhHk, ...tags]),
  };
}

export async function createDataset(db: Db, ctx: RequestContext, organisationId: string, input: DatasetInput): Promise<store.DatasetRow> {
  assertPublisher(ctx.actor, organisationId);
  const errors = checkDatasetInput(input, ctx.locale);
  if (errors.length) throw invalidInput(errors);
  return changeCatalogue(db, async (trx) => {
    if (await store.datasetByName(trx, input.name)) throw conflict(inputErrors(ctx.locale)('nameTaken', { name: input.name }));
    const row = await store.insertDataset(trx, { ...columns(input), organisation_id: organisationId });
    await recordAudit(trx, ctx, { action: 'dataset.created', recordType: 'dataset', recordId: row.id, organisationId, detail: { name: row.name } });
    return row;
  });
}

/** The name is the dataset's address in the API: it stays as it was created. */
export async function updateDataset(db: Db, ctx: RequestContext, id: string, input: Omit<DatasetInput, 'name'>): Promise<store.DatasetRow> {
  return changeCatalogue(db, async (trx) => {
    const existing = await store.datasetById(trx, id);
    if (!existing) throw notFound('The dataset');
    assertPublisher(ctx.actor, existing.organisation_id);
    const full = { ...input, name: existing.name };
    const errors = checkDatasetInput(full, ctx.locale);
    if (errors.length) throw invalidInput(errors);
    const row = await store.updateDataset(trx, id, columns(full));
    await recordAudit(trx, ctx, { action: 'dataset.updated', recordType: 'dataset', recordId: id, organisationId: existing.organisation_id, detail: { name: row.name } });
    return row;
  });
}

/** A dataset for its publisher to edit: another organisation's is answered as not found. */
export async function getDatasetForPublisher(db: Db, actor: Actor | undefined, id: string): Promise<store.DatasetRow> {
  const row = store.isUuid(id) ? await store.datasetById(db, id) : undefined;
  if (!row) throw notFound('The dataset');
  assertPublisher(actor, row.organisation_id);
  return row;
}

export async function getPublicDataset(db: Db, idOrName: string): Promise<store.DatasetRow> {
  const row = await store.datasetByIdOrName(db, idOrName);
  if (!row) throw notFound('The dataset');
  return row;
}
