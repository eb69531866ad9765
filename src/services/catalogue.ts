import { Type, type Static } from 'typebox';
import type { Db } from '../platform/db/database.ts';
import { queryTerms } from '../platform/search/index.ts';
import { CATEGORIES, presentService, Service, type Category } from './service.ts';
import * as store from './store.ts';

export const CatalogueQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words in English, Traditional or Simplified Chinese' })),
  category: Type.Optional(Type.Unsafe<Category>({ type: 'string', enum: [...CATEGORIES] })),
  organisation: Type.Optional(Type.String({ format: 'uuid' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
});
export type CatalogueQuery = Static<typeof CatalogueQuery>;

export const CataloguePage = Type.Object({ total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), services: Type.Array(Service) });
export type CataloguePage = Static<typeof CataloguePage>;

/** The public catalogue: published services only; anyone may search it. */
export async function searchCatalogue(db: Db, query: CatalogueQuery): Promise<CataloguePage> {
  const limit = query.limit ?? 20;
  const offset = query.offset ?? 0;
  const terms = query.q ? queryTerms(query.q) : [];
  // A query of nothing but punctuation matches nothing rather than everything.
  if (query.q?.trim() && terms.length === 0) return { total: 0, limit, offset, services: [] };
  const { rows, total } = await store.searchPublished(db, { terms, category: query.category, organisationId: query.organisation, limit, offset });
  return { total, limit, offset, services: rows.map(presentService) };
}

export const publishedCategories = (db: Db) => store.categoryCounts(db);
