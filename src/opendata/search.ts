import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';
import { searchQuery } from './search-text.ts';
import { DATASET_COLUMNS, resourcesFromJson, RESOURCES_JSON, type DatasetRow, type ResourceRow } from './store.ts';
import { recentCatalogueVersion, KEPT_IDS, searchCacheFor } from './search-cache.ts';
import { wordSearchesFor } from './word-searches.ts';

// Catalogue search for the CKAN API and the portal: full text over the segmented, script-folded search_text
// (a GIN index), filters on organisation, category, tags and formats (indexed), sorting, paging and facets.
// One statement whatever the page size: the matching datasets are read once (the full-text index finds them, the
// narrow search table gives what ranking, counting and facets need), and the same statement counts them, ranks
// them, counts the facets, and joins the page's full rows (with their resources when asked). A search seen before
// (at the same catalogue version) reads only its page's rows, and of those only the ones its caller does not hold.

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
export interface SearchResult {
  count: number; rows: DatasetRow[]; facets: Facets; resources: Map<string, ResourceRow[]>;
  /** The matches are held by the search cache: the next call of this search gets the same `facets` object. */
  kept?: boolean;
}
/** What a caller that keeps presented datasets (the CKAN API) already holds: their rows need not be read again. */
export type HeldDatasets = (id: string, version: number) => boolean;
/**
 * With held datasets: the page's ids in order and the catalogue version the statement saw. `rows` has only the
 * datasets read; it is empty when every one on the page was held at the version the database still has.
 */
export interface SearchPage extends SearchResult { ids: string[]; version: number | undefined }

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

interface PageRow extends DatasetRow { n: number; resources_json: unknown[] | null }
interface Row extends PageRow { total: number; facets: { field: FacetField; value: string; n: number }[]; version: number; ranked: string | null }

const pageColumns = (withResources: boolean) =>
  sql`${sql.join(DATASET_COLUMNS.map((c) => sql.ref(`d.${c}`)))}, p.n ${withResources ? sql`, ${RESOURCES_JSON} AS resources_json` : sql``}`;

/** The page's datasets (and resources) from rows that may also carry the statement's other columns. */
function page(rows: (PageRow & Partial<Row>)[], withResources: boolean): Pick<SearchResult, 'rows' | 'resources'> {
  const found = rows.filter((r) => r.id !== null);
  return {
    resources: new Map(withResources ? found.map((r) => [r.id, resourcesFromJson(r.resources_json)]) : []),
    rows: found.map(({ n: _n, resources_json: _r, total: _t, facets: _f, version: _v, ranked: _k, ...dataset }) => dataset as DatasetRow),
  };
}

/** Words alone, ranked or by date: the narrowest table (opendata_dataset_words) holds all the search reads. */
const wordsOnly = (options: SearchOptions, facets: FacetRequest) =>
  facets.fields.length === 0 && Object.values(options.filters).every((f) => f === undefined)
  && options.sort.every((s) => ['score', 'metadata_modified', 'metadata_created'].includes(s.key));

/** The statement for any search (the words-alone search in CKAN's default order has a function of its own). */
function searchStatement(options: SearchOptions, facets: FacetRequest, withResources: boolean,
  { where, tsquery, everything, gather, keep }: ReturnType<typeof whereClause> & { gather: boolean; keep: boolean }): RawBuilder<unknown> {
  const titleColumn = sql.ref(options.titleColumn ?? 'title_en');
  const source = gather ? sql`matching` : sql`opendata_dataset_search WHERE ${where}`;
  const order = orderBy(options, tsquery !== undefined);
  const score = tsquery ? sql`, ts_rank(search_vector, to_tsquery('simple', ${tsquery})) AS score` : sql``;
  const matching = !gather ? sql``
    : wordsOnly(options, facets)
      ? sql`WITH matching AS MATERIALIZED (SELECT id, created_at, modified_at ${score} FROM opendata_dataset_words WHERE ${where})`
      : sql`WITH matching AS MATERIALIZED (
          SELECT id, name, created_at, modified_at, ${titleColumn}, organisation_id, category, tags, formats, licence ${score}
          FROM opendata_dataset_search WHERE ${where})`;
  return sql`${matching}
    SELECT meta.*, page.* FROM
      (SELECT (${everything ? sql`SELECT datasets::int FROM opendata_catalogue_size` : sql`SELECT count(*)::int FROM ${source}`}) AS total, ${facetsJson(facets)} AS facets,
        (SELECT version FROM opendata_catalogue_size) AS version,
        ${keep ? sql`array_to_string(ARRAY(SELECT id FROM matching ORDER BY ${order} LIMIT ${KEPT_IDS}), ',')` : sql`NULL`} AS ranked) meta
      LEFT JOIN LATERAL (
        SELECT ${pageColumns(withResources)}
        FROM unnest(ARRAY(SELECT id FROM ${source} ORDER BY ${order} LIMIT ${options.limit} OFFSET ${options.offset}))
          WITH ORDINALITY AS p(id, n)
        JOIN opendata_datasets d ON d.id = p.id
      ) page ON true
    ORDER BY page.n`;
}

/** CKAN's default order: best match first, then the most recently modified. */
const bestMatchFirst = (sort: SearchOptions['sort']) =>
  sort.length === 2 && sort[0]!.key === 'score' && sort[0]!.direction === 'desc' && sort[1]!.key === 'metadata_modified' && sort[1]!.direction === 'desc';

/**
 * The page of datasets matching `options`, their total count and the asked facets, in one statement. Without a text
 * query or facets the matches need not be gathered at all: the page follows an index in sort order and the count is
 * an index-only scan (or, for the whole catalogue, a number kept by triggers). With either, the matching rows are read
 * once into a materialized set used by all three parts, and the best-ranked ids are kept (search-cache.ts) so that
 * the next page of the same search reads only its own rows.
 */
export async function searchCatalogue(db: Queryable, options: SearchOptions, facets?: FacetRequest, withResources?: boolean): Promise<SearchResult>;
export async function searchCatalogue(db: Queryable, options: SearchOptions, facets: FacetRequest, withResources: boolean, held: HeldDatasets): Promise<SearchPage>;
export async function searchCatalogue(db: Queryable, options: SearchOptions, facets: FacetRequest = { fields: [], limit: 0 }, withResources = false, held?: HeldDatasets): Promise<SearchResult | SearchPage> {
  // A caller that keeps presented datasets has its first pages' ids kept too (one gathering per catalogue version), so
  // that browsing, like searching, reads only the datasets it does not hold; deeper pages follow the index as before.
  // (A query without searchable words matches nothing, gathered or not.)
  const gather = Boolean(options.q) || facets.fields.length > 0 || (held !== undefined && options.offset + options.limit <= KEPT_IDS);
  const cache = gather ? searchCacheFor<Facets>(db) : undefined;
  const key = JSON.stringify([options.q ?? '', options.filters, options.sort, options.titleColumn ?? 'title_en', facets.fields, facets.limit]);
  const kept = cache?.get(key, options.offset + options.limit);
  if (cache && kept) {
    const ids = kept.ids.slice(options.offset, options.offset + options.limit);
    const unread = held ? ids.filter((id) => !held(id, kept.version)) : ids;
    if (held && unread.length === 0 && await recentCatalogueVersion(db) === kept.version) return { count: kept.count, facets: kept.facets, kept: true, rows: [], resources: new Map(), ids, version: kept.version };
    const result = await sql<PageRow & { version: number }>`SELECT v.version, page.* FROM opendata_catalogue_size v LEFT JOIN LATERAL (
        SELECT ${pageColumns(withResources)} FROM unnest(${unread}::uuid[]) WITH ORDINALITY AS p(id, n) JOIN opendata_datasets d ON d.id = p.id
      ) page ON true ORDER BY page.n`.execute(db);
    if (result.rows[0]?.version === kept.version) {
      const found = { count: kept.count, facets: kept.facets, kept: true, ...page(result.rows, withResources) };
      return held ? { ...found, ids, version: kept.version } : found;
    }
    cache.delete(key);
  }
  // Built only now: a search whose matches are kept needs no statement of its own (segmenting Chinese is not free).
  const { where, tsquery, everything } = whereClause(options);
  const keep = cache?.admits(key) ?? false;
  // Words alone in CKAN's default order, the commonest search, is a function whose plan is kept (migrations
  // search_words_function, search_words_together): planning the statement below took twice as long as running it.
  // Such searches arriving together are read by one call (word-searches.ts).
  const result = tsquery && wordsOnly(options, facets) && bestMatchFirst(options.sort)
    ? { rows: await wordSearchesFor(db)({ tsquery, limit: options.limit, offset: options.offset, keep: keep ? KEPT_IDS : 0, withResources }) as unknown as Row[] }
    : await sql<Row>`${searchStatement(options, facets, withResources, { where, tsquery, everything, gather, keep })}`.execute(db);
  const first = result.rows[0];
  const found = Object.fromEntries(FACET_FIELDS.map((f) => [f, []])) as unknown as Facets;
  for (const f of first?.facets ?? []) found[f.field].push({ value: f.value, count: f.n });
  const count = first?.total ?? 0;
  // The ranked ids come as one text: the driver parses an array of 2,000 ids character by character (about 3 MB of
  // short-lived strings), which blocked the event loop for milliseconds at each search not seen before.
  const ranked = first?.ranked;
  const stored = cache !== undefined && keep && first !== undefined && typeof ranked === 'string';
  if (stored) cache.set(key, { version: first.version, count, ids: ranked === '' ? [] : ranked.split(','), facets: found });
  const read = { count, facets: found, kept: stored, ...page(result.rows, withResources) };
  return held ? { ...read, ids: read.rows.map((r) => r.id), version: first?.version ?? undefined } : read;
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
