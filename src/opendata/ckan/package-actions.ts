import { sql } from 'kysely';
import * as store from '../store.ts';
import { recentCatalogueVersion } from '../search-cache.ts';
import { FACET_FIELDS, searchCatalogue, type FacetField, type SearchFilters, type SearchOptions, type SearchResult, type SortKey } from '../search.ts';
import { categoryById } from '../catalogue.ts';
import { presenterFor, type Action, type FullPresenter } from './context.ts';
import { CkanError, ckanBadRequest, ckanNotFound } from './errors.ts';
import { MAX_QUERY_LENGTH, MAX_QUERY_TERMS, queryWords } from '../search-text.ts';
import { boundedText, integer, list, required, text, type Params } from './params.ts';
import { presentGroup, presentOrganisation, presentPackage, presentResource } from './present.ts';
import { PresentedJson } from './presented.ts';

export const MAX_ROWS = 1000;

export const packageList: Action = async ({ db, params }) => {
  const rows = await store.datasetNames(db, integer(params, 'limit', 1_000_000), integer(params, 'offset', 0));
  return rows.map((r) => r.name);
};

export const packageShow: Action = async (ctx) => {
  const { db, locale, presented } = ctx;
  const id = required(ctx.params, 'id');
  // Kept datasets are used only with a fresh organisations copy, and only while the catalogue is at their version.
  await presenterFor(ctx);
  const held = presented?.get(locale, id);
  if (held && held.version === await recentCatalogueVersion(db)) return new PresentedJson([held.json]);
  const found = await store.datasetWithResources(db, id);
  if (!found) throw ckanNotFound();
  const shown = presentPackage(await presenterFor(ctx, { ids: [found.dataset.organisation_id] }), found.dataset, found.resources);
  if (!presented) return shown;
  return new PresentedJson([presented.offer(locale, id, found.version, JSON.stringify(shown))]);
};

export const resourceShow: Action = async (ctx) => {
  const id = required(ctx.params, 'id');
  const resource = store.isUuid(id) ? await store.resourceById(ctx.db, id) : undefined;
  if (!resource) throw ckanNotFound();
  return presentResource({ locale: ctx.locale, baseUrl: ctx.baseUrl, organisations: new Map() }, resource);
};

export const tagList: Action = async ({ db, params }) => {
  const query = text(params, 'query');
  const rows = await sql<{ tag: string }>`SELECT DISTINCT unnest(tags) AS tag FROM opendata_datasets ORDER BY 1`.execute(db);
  return rows.rows.map((r) => r.tag).filter((t) => !query || t.toLowerCase().includes(query.toLowerCase()));
};

const FQ_TERM = /([+-]?)([a-z_]+):(?:"([^"]*)"|([^\s"]+))/g;
const SORT_KEYS: SortKey[] = ['score', 'metadata_modified', 'metadata_created', 'name', 'title_string'];

/** The Solr filters CKAN clients send (`organization:td tags:"real time"`), ANDed as Solr does by default here. */
function parseFilters(byName: Map<string, { id: string }>, fq: string): { filters: SearchFilters; rest: string } {
  const filters: SearchFilters = {};
  const add = (key: keyof SearchFilters, value: string) => (filters[key] ??= []).push(value);
  const rest = fq.replace(FQ_TERM, (_all, sign: string, field: string, quoted?: string, bare?: string) => {
    const value = quoted ?? bare ?? '';
    if (sign === '-') throw new CkanError('Search Query Error', `Search error: negative filters are not supported (${field})`);
    if (field === 'organization') add('organisationIds', byName.get(value.toLowerCase())?.id ?? '00000000-0000-0000-0000-000000000000');
    else if (field === 'groups') add('categories', value);
    else if (field === 'tags') add('tags', value);
    else if (field === 'res_format') add('formats', value);
    else if (field === 'license_id') add('licences', value);
    else throw new CkanError('Search Query Error', `Search error: cannot filter on field "${field}"`);
    return ' ';
  });
  return { filters, rest: rest.replace(/\b(AND|OR)\b|\*:\*/g, ' ').trim() };
}

function parseSort(value: string | undefined): SearchOptions['sort'] {
  if (!value) return [{ key: 'score', direction: 'desc' }, { key: 'metadata_modified', direction: 'desc' }];
  return value.split(',').map((part) => {
    const [key = '', direction = 'asc'] = part.trim().split(/\s+/);
    if (!SORT_KEYS.includes(key as SortKey) || !['asc', 'desc'].includes(direction)) throw new CkanError('Search Query Error', `Search error: cannot sort by "${part.trim()}"`);
    return { key: key as SortKey, direction: direction as 'asc' | 'desc' };
  });
}

/** CKAN's facet.limit: default 50, and -1 (or any negative number) for every value. */
function facetLimit(params: Params): number {
  const value = text(params, 'facet.limit');
  if (value !== undefined && /^-\d+$/.test(value.trim())) return 1_000_000;
  return integer(params, 'facet.limit', 50);
}

/** package_search's result without its datasets, in CKAN's order. */
function summary(p: FullPresenter, found: SearchResult, asked: FacetField[], sort: string) {
  const display = (field: FacetField, value: string) => {
    if (field === 'organization') { const o = presentOrganisation(p, p.organisations.get(value)); return { name: o?.name ?? value, display_name: o?.display_name ?? value }; }
    if (field === 'groups') { const c = categoryById(value); return { name: value, display_name: c ? presentGroup(p, c).display_name : value }; }
    return { name: value, display_name: value };
  };
  const { facets } = found;
  return {
    count: found.count,
    sort,
    facets: Object.fromEntries(asked.map((field) => [field, Object.fromEntries(facets[field].map((f) => [display(field, f.value).name, f.count]))])),
    search_facets: Object.fromEntries(asked.map((field) => [field, { title: field, items: facets[field].map((f) => ({ ...display(field, f.value), count: f.count })) }])),
  };
}

// The summary of a kept search (its count and facets, search-cache.ts) is the same for every page of it and every call
// that differs only in an ignored parameter: it is presented and encoded once per language, sort text, asked fields and
// organisations copy (whose names it shows), not on every call. Encoded as UTF-8 because one Chinese facet value (a tag
// such as 停車場) made the whole answer text two bytes a character: its encoding for the socket took ~50 µs a call.
// A search not kept (asked once so far) comes with new facets each time: its summary is made for the one call.
const summaries = new WeakMap<SearchResult['facets'], { key: string; organisations: unknown; json: Buffer }[]>();

function summaryJson(p: FullPresenter, found: SearchResult, asked: FacetField[], sort: string): string | Buffer {
  if (!found.kept) return JSON.stringify(summary(p, found, asked, sort)).slice(0, -1);
  const key = `${p.locale} ${JSON.stringify([sort, asked])}`;
  let made = summaries.get(found.facets);
  const kept = made?.find((s) => s.key === key && s.organisations === p.organisations);
  if (kept) return kept.json;
  const json = Buffer.from(JSON.stringify(summary(p, found, asked, sort)).slice(0, -1));
  if (!made) summaries.set(found.facets, (made = []));
  // A few languages and sorts per search at most; a new organisations copy replaces what the old one presented.
  if (made.length >= 8) made.splice(0, made.length, ...made.filter((s) => s.organisations === p.organisations).slice(-4));
  made.push({ key, organisations: p.organisations, json });
  return json;
}

export const packageSearch: Action = async (ctx) => {
  const { params } = ctx;
  // Bounded before any work: a query of thousands of words overflows PostgreSQL's tsquery parser, and every query
  // text is kept as a cache key.
  const q = boundedText(params, 'q', MAX_QUERY_LENGTH) ?? '';
  const fq = boundedText(params, 'fq', MAX_QUERY_LENGTH) ?? '';
  const named = [...`${fq} ${q}`.matchAll(/organization:"?([^\s"]+)/g)].map((m) => m[1]!);
  let p = await presenterFor(ctx, { names: named });
  const fromFq = parseFilters(p.byName, fq);
  const fromQ = parseFilters(p.byName, q);
  if (queryWords(fromQ.rest).length > MAX_QUERY_TERMS) throw ckanBadRequest(`q has more than ${MAX_QUERY_TERMS} words`);
  const filters: SearchFilters = { ...fromFq.filters };
  for (const [key, values] of Object.entries(fromQ.filters) as [keyof SearchFilters, string[]][]) filters[key] = [...(filters[key] ?? []), ...values];
  const sortParam = text(params, 'sort');
  const titleColumn = ctx.locale === 'en' ? 'title_en' as const : ctx.locale === 'zh-HK' ? 'title_zh_hk' as const : 'title_zh_cn' as const;
  const options: SearchOptions = {
    q: fromQ.rest || undefined, filters, sort: parseSort(sortParam), titleColumn,
    limit: integer(params, 'rows', 10, MAX_ROWS), offset: integer(params, 'start', 0),
  };
  const asked = (list(params, 'facet.field') ?? []).filter((f): f is FacetField => (FACET_FIELDS as string[]).includes(f));
  const facetRequest = { fields: asked, limit: facetLimit(params) };
  const sort = sortParam ?? 'score desc, metadata_modified desc';
  const { presented, locale } = ctx;
  if (!presented) {
    const found = await searchCatalogue(ctx.db, options, facetRequest, true);
    p = await presenterFor(ctx, { ids: found.rows.map((d) => d.organisation_id) });
    return { ...summary(p, found, asked, sort), results: found.rows.map((d) => presentPackage(p, d, found.resources.get(d.id) ?? [])) };
  }
  let found = await searchCatalogue(ctx.db, options, facetRequest, true, (id, version) => presented.has(locale, id, version));
  p = await presenterFor(ctx, { ids: found.rows.map((d) => d.organisation_id) });
  const read = new Map(found.rows.map((d) => [d.id, d]));
  const packageJson = (id: string) => {
    const d = read.get(id);
    if (!d) return found.version === undefined ? undefined : presented.get(locale, id)?.json;
    const json = JSON.stringify(presentPackage(p, d, found.resources.get(d.id) ?? []));
    return found.version === undefined ? json : presented.offer(locale, id, found.version, json);
  };
  let results = found.ids.map(packageJson);
  if (results.some((r) => r === undefined)) {
    // A held dataset was let go meanwhile (other calls filled the cache, or the organisations copy was renewed).
    found = await searchCatalogue(ctx.db, options, facetRequest, true, () => false);
    p = await presenterFor(ctx, { ids: found.rows.map((d) => d.organisation_id) });
    read.clear();
    for (const d of found.rows) read.set(d.id, d);
    results = found.ids.map(packageJson);
  }
  const parts: (string | Buffer)[] = [summaryJson(p, found, asked, sort), ',"results":['];
  for (const [i, json] of results.entries()) {
    if (i > 0) parts.push(',');
    parts.push(json!);
  }
  parts.push(']}');
  return new PresentedJson(parts);
};
