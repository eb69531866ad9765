import type { Db, Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { invalidInput, notFound, type FieldError } from '../platform/errors.ts';
import { toSimplified, type Locale } from '../platform/i18n/index.ts';
import { inputErrors } from './error-messages.ts';
import type { FileStore, UploadedFile } from '../platform/files/index.ts';
import { FORMATS, isUploadFormat, type UploadFormat } from './catalogue.ts';
import { firstCharacter, formatMismatch } from './content-check.ts';
import { assertPublisher } from './dataset.ts';
import { ingestCsv, ingestGeoJson, type Ingested } from './ingest.ts';
import { ingestJson } from './ingest-json.ts';
import { ingestXml } from './ingest-xml.ts';
import * as store from './store.ts';
import { changeCatalogue } from './ckan/cache.ts';

export interface ResourceNames { nameEn: string; nameZhHk: string; nameZhCn?: string | undefined }
/** A file already streamed into the FileStore; the caller deletes it if the resource is refused. */
export type { UploadedFile };

function checkNames(names: ResourceNames, locale: Locale): FieldError[] {
  const t = inputErrors(locale);
  const errors: FieldError[] = [];
  if (!names.nameEn.trim() || names.nameEn.length > 300) errors.push({ field: 'nameEn', reason: t('nameEn') });
  if (!names.nameZhHk.trim() || names.nameZhHk.length > 300) errors.push({ field: 'nameZhHk', reason: t('nameZhHk') });
  return errors;
}
const nameColumns = (names: ResourceNames) => ({
  name_en: names.nameEn.trim(), name_zh_hk: names.nameZhHk.trim(), name_zh_cn: names.nameZhCn?.trim() || toSimplified(names.nameZhHk.trim()),
});

async function publishableDataset(trx: Trx, ctx: RequestContext, datasetId: string) {
  const dataset = store.isUuid(datasetId) ? await store.datasetById(trx, datasetId) : undefined;
  if (!dataset) throw notFound('The dataset');
  assertPublisher(ctx.actor, dataset.organisation_id);
  return dataset;
}

/** A link to data kept elsewhere (an API, another site): nothing is stored or ingested. */
export async function addLinkResource(db: Db, ctx: RequestContext, datasetId: string, input: ResourceNames & { format: string; url: string }): Promise<store.ResourceRow> {
  const t = inputErrors(ctx.locale);
  const errors = checkNames(input, ctx.locale);
  if (!/^https?:\/\/\S+$/.test(input.url) || input.url.length > 2000) errors.push({ field: 'url', reason: t('webAddress') });
  if (!(input.format in FORMATS)) errors.push({ field: 'format', reason: t('format') });
  if (errors.length) throw invalidInput(errors);
  return changeCatalogue(db, async (trx) => {
    const dataset = await publishableDataset(trx, ctx, datasetId);
    const row = await store.insertResource(trx, { dataset_id: dataset.id, ...nameColumns(input), format: input.format, external_url: input.url });
    await store.refreshFormats(trx, dataset.id);
    await recordAudit(trx, ctx, { action: 'resource.linked', recordType: 'resource', recordId: row.id, organisationId: dataset.organisation_id, detail: { dataset: dataset.name, url: input.url } });
    return row;
  });
}

async function checkAndIngest(trx: Trx, files: FileStore, locale: Locale, resourceId: string, format: UploadFormat, file: UploadedFile): Promise<Ingested | undefined> {
  const head = await readHead(files, file.key);
  const mismatch = formatMismatch(format, head);
  if (mismatch) throw invalidInput([{ field: 'file', reason: inputErrors(locale)(mismatch, { format }) }]);
  if (format === 'CSV') return ingestCsv(trx, resourceId, await files.get(file.key));
  if (format === 'GeoJSON') return ingestGeoJson(trx, resourceId, await files.get(file.key));
  // Published either way; ingested only when the file holds a table.
  if (format === 'JSON') return ingestJson(trx, resourceId, firstCharacter(head), await files.get(file.key));
  if (format === 'XML') return ingestXml(trx, resourceId, await files.get(file.key));
  return undefined;
}

async function readHead(files: FileStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await files.get(key, { start: 0, end: 4095 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function fileColumns(format: UploadFormat, file: UploadedFile, ingested: Ingested | undefined) {
  return {
    file_key: file.key, file_name: file.fileName, size: file.size, sha256: file.sha256, media_type: FORMATS[format]!,
    fields: ingested ? (JSON.stringify(ingested.fields) as unknown as store.FieldInfo[]) : null, row_count: ingested?.rowCount ?? null, source_crs: ingested?.sourceCrs ?? null,
  };
}

export async function addFileResource(db: Db, files: FileStore, ctx: RequestContext, datasetId: string, input: ResourceNames & { format: string }, file: UploadedFile): Promise<store.ResourceRow> {
  const errors = checkNames(input, ctx.locale);
  if (!isUploadFormat(input.format)) errors.push({ field: 'format', reason: inputErrors(ctx.locale)('format') });
  if (errors.length) throw invalidInput(errors);
  const format = input.format as UploadFormat;
  return changeCatalogue(db, async (trx) => {
    const dataset = await publishableDataset(trx, ctx, datasetId);
    const created = await store.insertResource(trx, { dataset_id: dataset.id, ...nameColumns(input), format, file_key: file.key, file_name: file.fileName });
    const ingested = await checkAndIngest(trx, files, ctx.locale, created.id, format, file);
    const row = await store.updateResource(trx, created.id, fileColumns(format, file, ingested));
    await store.insertVersion(trx, { resource_id: row.id, version_at: row.modified_at, file_key: file.key, file_name: file.fileName, size: file.size, sha256: file.sha256, media_type: FORMATS[format]! });
    await store.refreshFormats(trx, dataset.id);
    await recordAudit(trx, ctx, { action: 'resource.uploaded', recordType: 'resource', recordId: row.id, organisationId: dataset.organisation_id, detail: { dataset: dataset.name, sha256: file.sha256, size: file.size } });
    return row;
  });
}

/** A new file for a resource: the old one stays in the historical archive, under its own timestamp. */
export async function replaceResourceFile(db: Db, files: FileStore, ctx: RequestContext, resourceId: string, file: UploadedFile): Promise<store.ResourceRow> {
  return changeCatalogue(db, async (trx) => {
    const existing = store.isUuid(resourceId) ? await store.resourceById(trx, resourceId) : undefined;
    if (!existing) throw notFound('The resource');
    const dataset = await publishableDataset(trx, ctx, existing.dataset_id);
    if (!existing.file_key || !isUploadFormat(existing.format)) throw invalidInput([{ field: 'file', reason: inputErrors(ctx.locale)('isLink') }]);
    const ingested = await checkAndIngest(trx, files, ctx.locale, existing.id, existing.format, file);
    const row = await store.updateResource(trx, existing.id, fileColumns(existing.format, file, ingested));
    await store.insertVersion(trx, { resource_id: row.id, version_at: row.modified_at, file_key: file.key, file_name: file.fileName, size: file.size, sha256: file.sha256, media_type: FORMATS[existing.format]! });
    await store.updateDataset(trx, dataset.id, {});
    await recordAudit(trx, ctx, { action: 'resource.file_replaced', recordType: 'resource', recordId: row.id, organisationId: dataset.organisation_id, detail: { dataset: dataset.name, sha256: file.sha256, previousSha256: existing.sha256 } });
    return row;
  });
}
