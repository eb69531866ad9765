import { sql, type RawBuilder } from 'kysely';
import { toSimplified, toTraditional } from '../../platform/i18n/index.ts';
import * as store from '../store.ts';
import type { Action } from './context.ts';
import { CkanError, ckanInvalid } from './errors.ts';
import { integer, jsonValue, list, required, text, type Params } from './params.ts';

// datastore_search over the ingested rows of a CSV or GeoJSON resource, in CKAN DataStore's shape.
// One statement returns the page and the total, whatever the limit.

const MAX_LIMIT = 32_000;

function notInResource(param: string, field: string) {
  return new CkanError('Validation Error', `${param}: field "${field}" not in resource`, { [param]: [`field "${field}" not in resource`] });
}

function filterClauses(params: Params, known: Set<string>): RawBuilder<unknown>[] {
  const filters = jsonValue(params, 'filters');
  if (filters === undefined) return [];
  if (typeof filters !== 'object' || filters === null || Array.isArray(filters)) throw ckanInvalid('filters', 'Not a json object');
  return Object.entries(filters).map(([field, value]) => {
    if (!known.has(field)) throw notInResource('filters', field);
    const values = (Array.isArray(value) ? value : [value]).map((v) => String(v));
    return sql`data->>${field} = ANY(${values}::text[])`;
  });
}

function textClauses(params: Params, known: Set<string>): RawBuilder<unknown>[] {
  // q is a plain string, or (CKAN's other form) a JSON object of field: text.
  const raw = params.q;
  const q = typeof raw === 'string' && raw.trim().startsWith('{') ? jsonValue(params, 'q') : raw === '' ? undefined : raw;
  const like = (value: string) => [...new Set([value, toSimplified(value), toTraditional(value)])].map((v) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (q === undefined) return [];
  if (typeof q === 'object' && q !== null && !Array.isArray(q)) {
    return Object.entries(q).map(([field, value]) => {
      if (!known.has(field)) throw notInResource('q', field);
      return sql`data->>${field} ILIKE ANY(${like(String(value))}::text[])`;
    });
  }
  const value = text(params, 'q') ?? '';
  return value ? [sql`data::text ILIKE ANY(${like(value)}::text[])`] : [];
}

function sortClause(params: Params, fields: store.FieldInfo[]): RawBuilder<unknown> {
  const parts = (text(params, 'sort') ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((part) => {
    const [field = '', direction = 'asc'] = part.replace(/"/g, '').split(/\s+/);
    const dir = sql.raw(direction.toLowerCase() === 'desc' ? 'DESC' : 'ASC');
    if (field === '_id') return sql`row_no ${dir}`;
    const info = fields.find((f) => f.id === field);
    if (!info) throw notInResource('sort', field);
    return info.type === 'numeric' ? sql`(nullif(data->>${field}, ''))::numeric ${dir} NULLS LAST` : sql`data->>${field} ${dir}`;
  });
  return sql.join([...parts, sql`row_no`], sql`, `);
}

export const datastoreSearch: Action = async ({ db, params }) => {
  const resourceId = required(params, 'resource_id');
  const resource = store.isUuid(resourceId) ? await store.resourceById(db, resourceId) : undefined;
  if (!resource || !resource.fields) throw new CkanError('Not Found Error', `Resource "${resourceId}" was not found.`);
  const fields = resource.fields;
  const known = new Set(fields.map((f) => f.id));
  const wanted = list(params, 'fields');
  for (const f of wanted ?? []) if (f !== '_id' && !known.has(f)) throw notInResource('fields', f);
  const limit = integer(params, 'limit', 100, MAX_LIMIT);
  const offset = integer(params, 'offset', 0);
  const where = sql.join([sql`resource_id = ${resource.id}`, ...filterClauses(params, known), ...textClauses(params, known)], sql` AND `);
  const result = await sql<{ row_no: number; data: Record<string, unknown>; total: number }>`
    SELECT row_no, data, count(*) OVER ()::int AS total FROM opendata_rows WHERE ${where} ORDER BY ${sortClause(params, fields)} LIMIT ${limit} OFFSET ${offset}`.execute(db);
  const shown = fields.filter((f) => !wanted || wanted.includes(f.id));
  const records = result.rows.map((row) => {
    const record: Record<string, unknown> = wanted && !wanted.includes('_id') ? {} : { _id: row.row_no };
    for (const f of shown) {
      const value = row.data[f.id];
      record[f.id] = f.type === 'numeric' && typeof value === 'string' ? (value === '' ? null : Number(value)) : (value ?? null);
    }
    return record;
  });
  // Past the last page the window count is gone: count the matches alone.
  const total = result.rows[0]?.total ?? (offset > 0 ? (await sql<{ n: number }>`SELECT count(*)::int AS n FROM opendata_rows WHERE ${where}`.execute(db)).rows[0]?.n ?? 0 : 0);
  const link = (o: number) => `/api/3/action/datastore_search?resource_id=${resource.id}&limit=${limit}&offset=${o}`;
  return {
    include_total: true, resource_id: resource.id, records_format: 'objects',
    fields: [...(wanted && !wanted.includes('_id') ? [] : [{ id: '_id', type: 'int' }]), ...shown.map((f) => ({ id: f.id, type: f.type }))],
    records, limit, offset, total,
    _links: { start: `/api/3/action/datastore_search?resource_id=${resource.id}&limit=${limit}`, next: link(offset + limit) },
  };
};
