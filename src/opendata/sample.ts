import { Readable } from 'node:stream';
import type { Db, Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { loadConfig } from '../platform/config.ts';
import { fileStoreFor, type FileStore } from '../platform/files/index.ts';
import { toSimplified } from '../platform/i18n/index.ts';
import { getOrganisation } from '../organisations/index.ts';
import { FORMATS } from './catalogue.ts';
import { ingestCsv, ingestGeoJson } from './ingest.ts';
import { searchDocument } from './search-text.ts';
import { SAMPLE_DATASETS, type SampleDataset } from './sample-data.ts';
import * as store from './store.ts';
import { changeCatalogue } from './ckan/cache.ts';

export { seedSyntheticDatasets } from './synthetic.ts';

const DAY = 24 * 3600_000;

async function addSample(trx: Trx, files: FileStore, organisationId: string, s: SampleDataset): Promise<void> {
  const titleZhCn = toSimplified(s.titleHk);
  const dataset = await store.insertDataset(trx, {
    name: s.name, organisation_id: organisationId, category: s.category, tags: s.tags, licence: 'hk-dgov-terms', spatial: s.format === 'GeoJSON',
    title_en: s.titleEn, title_zh_hk: s.titleHk, title_zh_cn: titleZhCn, notes_en: s.notesEn, notes_zh_hk: s.notesHk, notes_zh_cn: toSimplified(s.notesHk),
    contact_email: s.contact, update_frequency: s.frequency, data_dictionary_url: '',
    search_text: searchDocument([s.name.replace(/-/g, ' '), s.titleEn, s.titleHk, titleZhCn, s.notesEn, s.notesHk, ...s.tags]),
  });
  const stored = [];
  for (const content of s.versions) stored.push(await files.put(Readable.from([Buffer.from(content, 'utf8')])));
  const current = stored[stored.length - 1]!;
  const mediaType = FORMATS[s.format]!;
  const resource = await store.insertResource(trx, {
    dataset_id: dataset.id, name_en: s.resourceEn, name_zh_hk: s.resourceHk, name_zh_cn: toSimplified(s.resourceHk), format: s.format,
    file_key: current.key, file_name: s.fileName, size: current.size, sha256: current.sha256, media_type: mediaType,
  });
  // Oldest first, a day apart: the earlier contents are the archived versions, the last is current.
  for (const [i, file] of stored.entries()) {
    const versionAt = new Date(Date.now() - (stored.length - 1 - i) * DAY);
    await store.insertVersion(trx, { resource_id: resource.id, version_at: versionAt, file_key: file.key, file_name: s.fileName, size: file.size, sha256: file.sha256, media_type: mediaType });
  }
  const content = await files.get(current.key);
  const ingested = s.format === 'CSV' ? await ingestCsv(trx, resource.id, content) : await ingestGeoJson(trx, resource.id, content);
  await store.updateResource(trx, resource.id, { fields: JSON.stringify(ingested.fields) as unknown as store.FieldInfo[], row_count: ingested.rowCount, source_crs: ingested.sourceCrs });
  await store.refreshFormats(trx, dataset.id);
}

/**
 * Adds the sample datasets once (a no-op when any dataset exists, or when the sample organisations are missing).
 * Files go to the configured FileStore (FILE_STORE) unless a store is given.
 */
export async function seedOpenData(db: Db, ctx: RequestContext, files: FileStore = fileStoreFor(loadConfig())): Promise<boolean> {
  if (await db.selectFrom('opendata_datasets').select('id').limit(1).executeTakeFirst()) return false;
  const organisations = new Map<string, string>();
  for (const code of new Set(SAMPLE_DATASETS.map((s) => s.organisation))) {
    try {
      organisations.set(code, (await getOrganisation(db, code)).id);
    } catch {
      return false;
    }
  }
  await changeCatalogue(db, async (trx) => {
    for (const s of SAMPLE_DATASETS) await addSample(trx, files, organisations.get(s.organisation)!, s);
    await recordAudit(trx, ctx, { action: 'sample.opendata_seeded', recordType: 'dataset', detail: { datasets: SAMPLE_DATASETS.length } });
  });
  return true;
}
