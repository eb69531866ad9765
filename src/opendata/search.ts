import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';
import { searchQuery } from './search-text.ts';
import type { DatasetRow } from './store.ts';

// Catalogue search for the CKAN API and the portal: full text over the segmented, script-folded search_text
// (a GIN index), filters on organisation, category, tags and formats (indexed), sorting, paging and facets.
// Three statements whatever the page size: the page, its total count, and every asked facet at once.

export interface SearchFilters {
  organisationIds?: string[];
  categories?: string[];
  tags?: string[];
  formats?: string[];
  licences?: string[];
}
const DATASET_COLUMNS = ['id', 'name', 'organisation_id', 'category', 'title_en', 'title_zh_hk', 'title_zh_cn', 'notes_en', 'notes_zh_hk', 'notes_zh_cn',
  'tags', 'licence', 'contact_email', 'update_frequency', 'data_dictionary_url', 'spatial', 'search_text', 'formats', 'created_at', 'modified_at'] as const;
export type SortKey = 'score' | 'metadata_modified' | 'metadata_created' | 'name' | 'title_string';
export interface SearchOptions { q?: string | undefined; filters: SearchFilters; sort: { key: SortKey; direction: 'asc' | 'desc' }[]; limit: number; offset: number; titleColumn?: 'title_en' | 'title_zh_hk' | 'title_zh_cn' }
export type FacetField = 'organization' | 'groups' | 'tags' | 'res_format' | 'license_id';
export const FACET_FIELDS: FacetField[] = ['organization', 'groups', 'tags', 'res_format', 'license_id'];

function whereClause(options: SearchOptions): { where: RawBuilder<unknown>; tsquery: string | undefined } {
  const parts: RawBuilder<unknown>[] = [sql`true`];
  const tsquery = options.q ? searchQuery(options.q) : undefined;
  // A query with no searchable words (only punctuation) matches nothing, as an empty Solr result would.
  if (options.q && !tsquery) parts.push(sql`false`);
  if (tsquery) parts.push(sql`search_vector @@ to_tsquery('simple', ${tsquery})`);
  const f = options.filters;
  if (f.organisationIds) parts.push(sql`organisation_id = ANY(${f.organisationIds}::uuid[])`);
  if (f.categories) parts.push(sql`category = ANY(${f.categories}::text[])`);
  if (f.licences) parts.push(sql`licence = ANY(${f.licences}::text[])`);
  if (f.tags) parts.push(sql`tags @> ${f.tags}::text[]`);
  if (f.formats) parts.push(sql`formats @> ${f.formats}::text[]`);
  return { where: sql.join(parts, sql` AND `), tsquery };
}

function orderBy(options: SearchOptions, tsquery: string | undefined): RawBuilder<unknown> {
  const columns = options.sort.flatMap(({ key, direction }) => {
    const dir = sql.raw(direction === 'asc' ? 'ASC' : 'DESC');
    if (key === 'score') return tsquery ? [sql`ts_rank(search_vector, to_tsquery('simple', ${tsquery})) ${dir}`] : [];
    if (key === 'metadata_modified') return [sql`modified_at ${dir}`];
    if (key === 'metadata_created') return [sql`created_at ${dir}`];
    if (key === 'name') return [sql`name ${dir}`];
    return [sql`${sql.ref(options.titleColumn ?? 'title_en')} ${dir}`];
  });
  // The id last makes the order total, so paging never repeats or skips a dataset.
  return sql.join([...columns, sql`id ASC`], sql`, `);
}

export async function searchDatasets(db: Queryable, options: SearchOptions): Promise<{ count: number; rows: DatasetRow[] }> {
  const { where, tsquery } = whereClause(options);
  // The page's ids come from the narrow search table in rank order; the full rows follow in that order. The count
  // is a statement of its own: a window count would make PostgreSQL read and sort every match before the LIMIT.
  const [page, counted] = await Promise.all([
    sql<DatasetRow>`SELECT ${sql.join(DATASET_COLUMNS.map((c) => sql.ref(`d.${c}`)))}
      FROM unnest(ARRAY(SELECT id FROM opendata_dataset_search WHERE ${where} ORDER BY ${orderBy(options, tsquery)} LIMIT ${options.limit} OFFSET ${options.offset}))
        WITH ORDINALITY AS p(id, n)
      JOIN opendata_datasets d ON d.id = p.id ORDER BY p.n`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM opendata_dataset_search WHERE ${where}`.execute(db),
  ]);
  return { count: counted.rows[0]?.n ?? 0, rows: page.rows };
}

const FACET_SQL: Record<FacetField, RawBuilder<unknown>> = {
  organization: sql`organisation_id::text`,
  groups: sql`category`,
  tags: sql`unnest(tags)`,
  res_format: sql`unnest(formats)`,
  license_id: sql`licence`,
};

/** Counts per value of each facet field over the matching datasets, most frequent first, `limit` per field. */
export async function facetCounts(db: Queryable, options: SearchOptions, fields: FacetField[], limit: number): Promise<Record<FacetField, { value: string; count: number }[]>> {
  const out = Object.fromEntries(fields.map((f) => [f, []])) as unknown as Record<FacetField, { value: string; count: number }[]>;
  if (fields.length === 0) return out;
  const { where } = whereClause(options);
  const selects = fields.map((field) => sql`(SELECT ${field}::text AS field, value, count(*)::int AS n FROM (SELECT ${FACET_SQL[field]} AS value FROM matching) v GROUP BY value ORDER BY n DESC, value LIMIT ${limit})`);
  const result = await sql<{ field: FacetField; value: string; n: number }>`
    WITH matching AS MATERIALIZED (SELECT organisation_id, category, tags, formats, licence FROM opendata_dataset_search WHERE ${where})
    ${sql.join(selects, sql` UNION ALL `)}`.execute(db);
  for (const row of result.rows) out[row.field].push({ value: row.value, count: row.n });
  return out;
}
