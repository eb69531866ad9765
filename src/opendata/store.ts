import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';

interface DatasetsTable {
  id: Generated<string>;
  name: string;
  organisation_id: string;
  category: string;
  title_en: string; title_zh_hk: string; title_zh_cn: string;
  notes_en: string; notes_zh_hk: string; notes_zh_cn: string;
  tags: string[];
  licence: string;
  contact_email: string;
  update_frequency: string;
  data_dictionary_url: string;
  spatial: boolean;
  search_text: string;
  formats: Generated<string[]>;
  created_at: Generated<Date>;
  modified_at: Generated<Date>;
}
export interface FieldInfo { id: string; type: 'text' | 'numeric' }
interface ResourcesTable {
  id: Generated<string>;
  dataset_id: string;
  position: number;
  name_en: string; name_zh_hk: string; name_zh_cn: string;
  format: string;
  external_url: string | null;
  file_key: string | null;
  file_name: string | null;
  size: number | null;
  sha256: string | null;
  media_type: string | null;
  fields: FieldInfo[] | null;
  row_count: number | null;
  source_crs: string | null;
  created_at: Generated<Date>;
  modified_at: Generated<Date>;
}
interface ResourceVersionsTable {
  resource_id: string; version_at: Date; file_key: string; file_name: string; size: number; sha256: string; media_type: string;
}
interface RowsTable { resource_id: string; row_no: number; data: Record<string, unknown>; min_x: number | null; min_y: number | null; max_x: number | null; max_y: number | null }
interface DownloadsTable { resource_id: string; day: string; count: Generated<number> }

declare module '../platform/db/schema.ts' {
  interface Database {
    opendata_datasets: DatasetsTable;
    opendata_resources: ResourcesTable;
    opendata_resource_versions: ResourceVersionsTable;
    opendata_rows: RowsTable;
    opendata_downloads: DownloadsTable;
  }
}

export type DatasetRow = Selectable<DatasetsTable>;
export type NewDataset = Insertable<DatasetsTable>;
export type DatasetChange = Updateable<DatasetsTable>;
export type ResourceRow = Selectable<ResourcesTable>;
export type NewResource = Insertable<ResourcesTable>;
export type ResourceVersionRow = Selectable<ResourceVersionsTable>;

export const datasetByName = (db: Queryable, name: string) => db.selectFrom('opendata_datasets').selectAll().where('name', '=', name).executeTakeFirst();
export const datasetById = (db: Queryable, id: string) => db.selectFrom('opendata_datasets').selectAll().where('id', '=', id).executeTakeFirst();
/** CKAN lets callers name a dataset by its id or its name. */
export const datasetByIdOrName = (db: Queryable, idOrName: string) =>
  db.selectFrom('opendata_datasets').selectAll().where((eb) => (isUuid(idOrName) ? eb('id', '=', idOrName) : eb('name', '=', idOrName))).executeTakeFirst();

/** A dataset's columns, without the stored search vector that only search reads. */
export const DATASET_COLUMNS = ['id', 'name', 'organisation_id', 'category', 'title_en', 'title_zh_hk', 'title_zh_cn', 'notes_en', 'notes_zh_hk', 'notes_zh_cn',
  'tags', 'licence', 'contact_email', 'update_frequency', 'data_dictionary_url', 'spatial', 'search_text', 'formats', 'created_at', 'modified_at'] as const;
/** The resources of dataset `d`, in position order, as one JSON value: a dataset and its resources in one statement. */
export const RESOURCES_JSON = sql`(SELECT coalesce(json_agg(r ORDER BY r.position), '[]') FROM opendata_resources r WHERE r.dataset_id = d.id)`;
/** Resource rows from RESOURCES_JSON, typed as the driver types them (JSON carries timestamps as text). */
export const resourcesFromJson = (list: unknown[] | null | undefined): ResourceRow[] =>
  (list ?? []).map((r) => {
    const row = r as ResourceRow;
    return { ...row, created_at: new Date(row.created_at), modified_at: new Date(row.modified_at) };
  });
/**
 * A dataset named by its id or its name, with its resources, in one statement (CKAN's package_show), and the catalogue
 * version that statement saw (migration catalogue_version), so that what is presented from it can be kept per version.
 */
export async function datasetWithResources(db: Queryable, idOrName: string): Promise<{ dataset: DatasetRow; resources: ResourceRow[]; version: number } | undefined> {
  const found = await sql<DatasetRow & { resources_json: unknown[]; catalogue_version: number }>`SELECT ${sql.join(DATASET_COLUMNS.map((c) => sql.ref(`d.${c}`)))},
      ${RESOURCES_JSON} AS resources_json, (SELECT version FROM opendata_catalogue_size) AS catalogue_version
    FROM opendata_datasets d WHERE ${isUuid(idOrName) ? sql`d.id = ${idOrName}::uuid` : sql`d.name = ${idOrName}`}`.execute(db);
  const row = found.rows[0];
  if (!row) return undefined;
  const { resources_json: resources, catalogue_version: version, ...dataset } = row;
  return { dataset, resources: resourcesFromJson(resources), version };
}

/** The catalogue's version now: it moves on with every committed change to datasets or resources. */
export async function catalogueVersion(db: Queryable): Promise<number | undefined> {
  return (await sql<{ version: number }>`SELECT version FROM opendata_catalogue_size`.execute(db)).rows[0]?.version;
}

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export const insertDataset = (db: Queryable, row: NewDataset) => db.insertInto('opendata_datasets').values(row).returningAll().executeTakeFirstOrThrow();
export const updateDataset = (db: Queryable, id: string, change: DatasetChange) =>
  db.updateTable('opendata_datasets').set({ ...change, modified_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

export const datasetsOfOrganisation = (db: Queryable, organisationId: string) =>
  db.selectFrom('opendata_datasets').selectAll().where('organisation_id', '=', organisationId).orderBy('modified_at', 'desc').execute();
export const datasetNames = (db: Queryable, limit: number, offset: number) =>
  db.selectFrom('opendata_datasets').select('name').orderBy('name').limit(limit).offset(offset).execute();

export const resourcesOf = (db: Queryable, datasetIds: string[]) =>
  datasetIds.length === 0 ? Promise.resolve([]) : db.selectFrom('opendata_resources').selectAll().where('dataset_id', 'in', datasetIds).orderBy('dataset_id').orderBy('position').execute();
export const resourceById = (db: Queryable, id: string) => db.selectFrom('opendata_resources').selectAll().where('id', '=', id).executeTakeFirst();
export const insertResource = async (db: Queryable, row: Omit<NewResource, 'position'>) => {
  const next = await db.selectFrom('opendata_resources').select(sql<number>`coalesce(max(position), -1) + 1`.as('p')).where('dataset_id', '=', row.dataset_id).executeTakeFirstOrThrow();
  return db.insertInto('opendata_resources').values({ ...row, position: next.p }).returningAll().executeTakeFirstOrThrow();
};
export const updateResource = (db: Queryable, id: string, change: Updateable<ResourcesTable>) =>
  db.updateTable('opendata_resources').set({ ...change, modified_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();

/** The formats of a dataset's resources, kept on the dataset so `res_format:` filters and facets use one index. */
export async function refreshFormats(db: Queryable, datasetId: string): Promise<void> {
  await sql`UPDATE opendata_datasets SET formats = coalesce((SELECT array_agg(DISTINCT format ORDER BY format) FROM opendata_resources WHERE dataset_id = ${datasetId}), '{}'), modified_at = now() WHERE id = ${datasetId}`.execute(db);
}

export const insertVersion = (db: Queryable, row: ResourceVersionsTable) => db.insertInto('opendata_resource_versions').values(row).execute();
export const versionsOf = (db: Queryable, resourceId: string) =>
  db.selectFrom('opendata_resource_versions').selectAll().where('resource_id', '=', resourceId).orderBy('version_at', 'desc').execute();

export async function replaceRows(db: Queryable, resourceId: string, rows: Record<string, unknown>[]): Promise<void> {
  await db.deleteFrom('opendata_rows').where('resource_id', '=', resourceId).execute();
  await appendRows(db, resourceId, 0, rows);
}
/** Adds rows numbered after `offset` (1-based row numbers), in one statement per call. */
export async function appendRows(db: Queryable, resourceId: string, offset: number, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((data, i) => ({ resource_id: resourceId, row_no: offset + i + 1, data: JSON.stringify(data) as unknown as Record<string, unknown>, ...boundsOf(data.geometry) }));
  await db.insertInto('opendata_rows').values(values).execute();
}

/** The WGS 84 bounding box of a GeoJSON geometry, or nulls for rows without one. */
export function boundsOf(geometry: unknown): { min_x: number | null; min_y: number | null; max_x: number | null; max_y: number | null } {
  const box = { min_x: Infinity, min_y: Infinity, max_x: -Infinity, max_y: -Infinity };
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      box.min_x = Math.min(box.min_x, c[0]); box.max_x = Math.max(box.max_x, c[0]);
      box.min_y = Math.min(box.min_y, c[1]); box.max_y = Math.max(box.max_y, c[1]);
      return;
    }
    for (const inner of c) visit(inner);
  };
  const g = geometry as { coordinates?: unknown; geometries?: { coordinates?: unknown }[] } | null | undefined;
  visit(g?.coordinates);
  for (const part of g?.geometries ?? []) visit(part.coordinates);
  return Number.isFinite(box.min_x) ? box : { min_x: null, min_y: null, max_x: null, max_y: null };
}

export async function countDownload(db: Queryable, resourceId: string): Promise<void> {
  await sql`INSERT INTO opendata_downloads (resource_id, day, count) VALUES (${resourceId}, current_date, 1)
    ON CONFLICT (resource_id, day) DO UPDATE SET count = opendata_downloads.count + 1`.execute(db);
}
/** Downloads per resource: today and in total. */
export const downloadCounts = (db: Queryable, resourceIds: string[]) =>
  resourceIds.length === 0 ? Promise.resolve([]) : db.selectFrom('opendata_downloads').select(['resource_id',
    sql<number>`coalesce(sum(count) FILTER (WHERE day = current_date), 0)::int`.as('today'),
    sql<number>`sum(count)::int`.as('total')]).where('resource_id', 'in', resourceIds).groupBy('resource_id').execute();

export const versionsOfMany = (db: Queryable, resourceIds: string[]) =>
  resourceIds.length === 0 ? Promise.resolve([]) : db.selectFrom('opendata_resource_versions').selectAll().where('resource_id', 'in', resourceIds).orderBy('version_at', 'desc').execute();
export const firstRows = async (db: Queryable, resourceId: string, limit: number) =>
  (await db.selectFrom('opendata_rows').select('data').where('resource_id', '=', resourceId).orderBy('row_no').limit(limit).execute()).map((r) => r.data);
