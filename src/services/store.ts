import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';

export type ServiceStatus = 'draft' | 'published' | 'withdrawn';

interface ServicesTable {
  id: Generated<string>;
  organisation_id: string;
  slug: string;
  category: string;
  status: Generated<ServiceStatus>;
  name_en: string;
  name_zh_hk: string;
  name_zh_cn: string;
  summary_en: string;
  summary_zh_hk: string;
  summary_zh_cn: string;
  pledge_working_days: number | null;
  fee_cents: Generated<number>;
  contact_email: string | null;
  search_terms: Generated<string[]>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  published_at: Date | null;
}

declare module '../platform/db/schema.ts' {
  interface Database { services: ServicesTable }
}

export type ServiceRow = Selectable<ServicesTable>;

export const serviceById = (db: Queryable, id: string) => db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
export const serviceBySlug = (db: Queryable, slug: string) => db.selectFrom('services').selectAll().where('slug', '=', slug).executeTakeFirst();

export const servicesOfOrganisation = (db: Queryable, organisationId: string) =>
  db.selectFrom('services').selectAll().where('organisation_id', '=', organisationId).orderBy('name_en').execute();

export async function insertService(db: Queryable, row: Insertable<ServicesTable>): Promise<ServiceRow> {
  return db.insertInto('services').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Optimistic update: changes the row only if it is still at `version`. */
export async function updateService(db: Queryable, id: string, version: number, changes: Updateable<ServicesTable>): Promise<ServiceRow | undefined> {
  return db.updateTable('services').set({ ...changes, version: version + 1, updated_at: new Date() })
    .where('id', '=', id).where('version', '=', version).returningAll().executeTakeFirst();
}

export interface CatalogueQuery { terms: string[]; category?: string | undefined; organisationId?: string | undefined; limit: number; offset: number }

/** Published services matching every term, with the total count, in one query. */
export async function searchPublished(db: Queryable, q: CatalogueQuery): Promise<{ rows: ServiceRow[]; total: number }> {
  let query = db.selectFrom('services').where('status', '=', 'published');
  // One array parameter (a bare JS array would be expanded into a list).
  if (q.terms.length > 0) query = query.where('search_terms', '@>', sql<string[]>`${sql.val(q.terms)}::text[]`);
  if (q.category) query = query.where('category', '=', q.category);
  if (q.organisationId) query = query.where('organisation_id', '=', q.organisationId);
  const rows = await query.selectAll().select((eb) => eb.fn.countAll<number>().over().as('total'))
    .orderBy('name_en').limit(q.limit).offset(q.offset).execute();
  return { rows, total: Number(rows[0]?.total ?? 0) };
}

export async function categoryCounts(db: Queryable): Promise<{ category: string; count: number }[]> {
  const rows = await db.selectFrom('services').where('status', '=', 'published').select(['category', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('category').execute();
  return rows.map((r) => ({ category: r.category, count: Number(r.count) }));
}
