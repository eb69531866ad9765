import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';
import { searchQuery } from './search-text.ts';
import { DATASET_COLUMNS, resourcesFromJson, RESOURCES_JSON, type DatasetRow, type ResourceRow } from './store.ts';

// Catalogue search for the CKAN API and the portal: full text over the segmented, script-folded search_text
// (a GIN index), filters on organisation, category, tags and formats (indexed), sorting, paging and facets.
// One statement whatever the page size: the matching datasets are read once (the full-text index finds them, the
// narrow search table gives what ranking, counting and facets need), and the same statement counts them, ranks
// them, counts the facets, and joins the page's full rows (with their resources when asked).

export interface SearchFilters {
  organisationIds?: string[];
  categories?: string[];
  tags?: string[];
  formats?: string[];
  licences?: string[];
}
export type SortKey = 'score' | 'metadata_modified' | 'metadata_created' | 'name' | 'title_string';
export interface SearchOptions { q?: string | undefined; filters: SearchFilters; sort: { key: SortKey; direction: 'asc' | 'desc' }[]; limit: number; offset: number; titleColumn?: 'title_en' | 'title_zh_hk' | 'title_zh_cn' }
export type FacetField = 'organization' | 'groups' | 'tags' | 'res_format' | 'license_id';
export const FACET_FIELDS: FacetField[] = ['organization', 'groups', 'tags', 'res_format', 'license_id'];
export type Facets = Record<FacetField, { value: string; count: number }[]>;
export interface FacetRequest { fields: FacetField[]; limit: number }
export interface SearchResult { count: number; rows: DatasetRow[]; facets: Facets; resources: Map<string, ResourceRow[]> }

function whereClause(options: SearchOptions): { where: RawBuilder<unknown>; tsquery: string | undefined; everything: boolean } {
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
  return { where: sql.join(parts, sql` AND `), tsquery, everything: parts.length === 1 };
}

/** The ORDER BY over the search table's columns; `score` is the rank column the matching set carries. */
function orderBy(options: SearchOptions, ranked: boolean): RawBuilder<unknown> {
  const columns = options.sort.flatMap(({ key, direction }) => {
    const dir = sql.raw(direction === 'asc' ? 'ASC' : 'DESC');
    if (key === 'score') return ranked ? [sql`score ${dir}`] : [];
    if (key === 'metadata_modified') return [sql`modified_at ${dir}`];
    if (key === 'metadata_created') return [sql`created_at ${dir}`];
    if (key === 'name') return [sql`name ${dir}`];
    return [sql`${sql.ref(options.titleColumn ?? 'title_en')} ${dir}`];
  });
  // The id last makes the order total, so paging never repeats or skips a dataset.
  return sql.join([...columns, sql`id ASC`], sql`, `);
}

const FACET_SQL: Record<FacetField, RawBuilder<unknown>> = {
  organization: sql`organisation_id::text`,
  groups: sql`category`,
  tags: sql`unnest(tags)`,
  res_format: sql`unnest(formats)`,
  license_id: sql`licence`,
};

function facetsJson(facets: FacetRequest): RawBuilder<unknown> {
  if (facets.fields.length === 0) return sql`'[]'::json`;
  const selects = facets.fields.map((field) =>
    sql`(SELECT ${field}::text AS field, value, count(*)::int AS n FROM (SELECT ${FACET_SQL[field]} AS value FROM matching) v GROUP BY value ORDER BY n DESC, value LIMIT ${facets.limit})`);
  return sql`(SELECT coalesce(json_agg(f), '[]') FROM (${sql.join(selects, sql` UNION ALL `)}) f)`;
}

interface Row extends DatasetRow { n: number; total: number; facets: { field: FacetField; value: string; n: number }[]; resources_json: unknown[] | null }

/**
 * The page of datasets matching `options`, their total count and the asked facets, in one statement. Without a text
 * query or facets the matches need not be gathered at all: the page follows an index in sort order and the count is
 * an index-only scan (or, for the whole catalogue, a number kept by triggers). With either, the matching rows are read once into a materialized set used by all three parts.
 */
export async function searchCatalogue(db: Queryable, options: SearchOptions, facets: FacetRequest = { fields: [], limit: 0 }, withResources = false): Promise<SearchResult> {
  const { where, tsquery, everything } = whereClause(options);
  const gather = tsquery !== undefined || facets.fields.length > 0;
  const titleColumn = sql.ref(options.titleColumn ?? 'title_en');
  const source = gather ? sql`matching` : sql`opendata_dataset_search WHERE ${where}`;
  const matching = gather
    ? sql`WITH matching AS MATERIALIZED (
        SELECT id, name, created_at, modified_at, ${titleColumn}, organisation_id, category, tags, formats, licence
          ${tsquery ? sql`, ts_rank(search_vector, to_tsquery('simple', ${tsquery})) AS score` : sql``}
        FROM opendata_dataset_search WHERE ${where})`
    : sql``;
  const result = await sql<Row>`${matching}
    SELECT meta.total, meta.facets, page.* FROM
      (SELECT (${everything ? sql`SELECT datasets::int FROM opendata_catalogue_size` : sql`SELECT count(*)::int FROM ${source}`}) AS total, ${facetsJson(facets)} AS facets) meta
      LEFT JOIN LATERAL (
        SELECT ${sql.join(DATASET_COLUMNS.map((c) => sql.ref(`d.${c}`)))}, p.n ${withResources ? sql`, ${RESOURCES_JSON} AS resources_json` : sql``}
        FROM unnest(ARRAY(SELECT id FROM ${source} ORDER BY ${orderBy(options, tsquery !== undefined)} LIMIT ${options.limit} OFFSET ${options.offset}))
          WITH ORDINALITY AS p(id, n)
        JOIN opendata_datasets d ON d.id = p.id
      ) page ON true
    ORDER BY page.n`.execute(db);
  const first = result.rows[0];
  const out = Object.fromEntries(FACET_FIELDS.map((f) => [f, []])) as unknown as Facets;
  for (const f of first?.facets ?? []) out[f.field].push({ value: f.value, count: f.n });
  const rows = result.rows.filter((r) => r.id !== null);
  const resources = new Map(withResources ? rows.map((r) => [r.id, resourcesFromJson(r.resources_json)]) : []);
  return {
    count: first?.total ?? 0, facets: out, resources,
    rows: rows.map(({ total: _t, facets: _f, resources_json: _r, n: _n, ...dataset }) => dataset),
  };
}

export async function searchDatasets(db: Queryable, options: SearchOptions): Promise<{ count: number; rows: DatasetRow[] }> {
  const { count, rows } = await searchCatalogue(db, options);
  return { count, rows };
}

/** Counts per value of each facet field over the matching datasets, most frequent first, `limit` per field. */
export async function facetCounts(db: Queryable, options: SearchOptions, fields: FacetField[], limit: number): Promise<Facets> {
  if (fields.length === 0) return Object.fromEntries(FACET_FIELDS.map((f) => [f, []])) as unknown as Facets;
  return (await searchCatalogue(db, { ...options, limit: 0, offset: 0 }, { fields, limit })).facets;
}
