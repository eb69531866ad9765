import { Type, type Static } from 'typebox';
import type { Db } from '../platform/db/database.ts';
import { queryTerms } from '../platform/search/index.ts';
import { VersionedCache } from './catalogue-cache.ts';
import { sharedFreshRead } from '../platform/db/shared-fresh-read.ts';
import { CATEGORIES, CatalogueEntry, presentEntry, type Category } from './service.ts';
import * as store from './store.ts';

export const CatalogueQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words in English, Traditional or Simplified Chinese' })),
  // Empty is "any": a form's select left at "All topics" or "All departments" sends the name with no value.
  category: Type.Optional(Type.Unsafe<Category | ''>({ type: 'string', enum: ['', ...CATEGORIES], description: 'A topic; empty for any' })),
  organisation: Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'uuid' })], { description: "The providing organisation's id; empty for any" })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
});
export type CatalogueQuery = Static<typeof CatalogueQuery>;

export const CataloguePage = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), services: Type.Array(CatalogueEntry) });
export type CataloguePage = Static<typeof CataloguePage>;

type CategoryCount = { category: string; count: number };
type OrganisationCount = { organisationId: string; count: number };

// Searches repeat (the same words, the same topic pages) and the catalogue changes seldom: each process keeps recent
// answers for the catalogue version it last read, and reads that version (one row) for every search, sharing reads
// between concurrent searches. One set per database handle (tests run several databases in one process).
const caches = new WeakMap<Db, { version: () => Promise<number>; pages: VersionedCache<CataloguePage>; counts: VersionedCache<CategoryCount[]>; departments: VersionedCache<OrganisationCount[]> }>();
function cachesOf(db: Db) {
  let found = caches.get(db);
  if (!found) {
    caches.set(db, (found = { version: sharedFreshRead(() => store.catalogueVersion(db)), pages: new VersionedCache(200), counts: new VersionedCache(1), departments: new VersionedCache(1) }));
  }
  return found;
}

/** The public catalogue: published services only; anyone may search it. */
export async function searchCatalogue(db: Db, query: CatalogueQuery): Promise<CataloguePage> {
  const limit = query.limit ?? 20;
  const offset = query.offset ?? 0;
  const { version, pages } = cachesOf(db);
  const category = query.category || undefined;
  const organisationId = query.organisation || undefined;
  const key = JSON.stringify([query.q?.trim(), category, organisationId, limit, offset]);
  return pages.through(await version(), key, async () => {
    const terms = query.q ? queryTerms(query.q) : [];
    // A query of nothing but punctuation matches nothing rather than everything.
    if (query.q?.trim() && terms.length === 0) return { total: 0, limit, offset, services: [] };
    const { rows, total } = await store.searchPublished(db, { terms, category, organisationId, limit, offset });
    // Shared by every request that hits the cache: frozen so that no caller can change another's answer.
    return Object.freeze({ total, limit, offset, services: Object.freeze(rows.map((row) => Object.freeze(presentEntry(row)))) as CatalogueEntry[] });
  });
}

export async function publishedCategories(db: Db): Promise<CategoryCount[]> {
  const { version, counts } = cachesOf(db);
  return counts.through(await version(), '', () => store.categoryCounts(db));
}

/** Published services per organisation, for browsing by department. */
export async function publishedByOrganisation(db: Db): Promise<OrganisationCount[]> {
  const { version, departments } = cachesOf(db);
  return departments.through(await version(), '', () => store.organisationCounts(db));
}
