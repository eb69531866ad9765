import { Type } from 'typebox';
import { tryAgainLater } from './try-again.ts';
import { sql, type RawBuilder } from 'kysely';
import type { FastifyError } from 'fastify';
import { isBadValueError } from './ckan/errors.ts';
import type { ModuleRoutes } from '../platform/services.ts';
import { resourceIdFromUrl } from './archive.ts';
import * as store from './store.ts';

// The data filter API (/v2/filter?q={...}) as the current portal documents it: pick rows of a tabular resource by
// 1-based column numbers, with `eq` (equals one of) and `ct` (contains one of) filters and sorts; a JSON array of rows.

const MAX_ROWS = 50_000;

class FilterInputError extends Error {}
const bad = (message: string) => new FilterInputError(message);

interface FilterQuery { resource?: unknown; section?: unknown; format?: unknown; sorts?: unknown; filters?: unknown }

function parse(q: string | undefined): FilterQuery {
  if (!q) throw bad('q is required: a JSON object with resource, section, format, sorts and filters');
  try {
    const value = JSON.parse(q) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('q must be a JSON object');
    return value as FilterQuery;
  } catch (error) {
    throw error instanceof FilterInputError ? error : bad('q is not valid JSON');
  }
}

function column(fields: store.FieldInfo[], index: unknown, where: string): store.FieldInfo {
  const field = typeof index === 'number' && Number.isInteger(index) ? fields[index - 1] : undefined;
  if (!field) throw bad(`${where}: column ${JSON.stringify(index)} does not exist (columns are numbered from 1 to ${fields.length})`);
  return field;
}

export const filterRoutes: ModuleRoutes = async (app, { db }) => {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof FilterInputError) return reply.status(400).send({ error: error.message });
    if (isBadValueError(error)) return reply.status(400).send({ error: 'A value in q is not valid.' });
    if ((error as FastifyError).validation) return reply.status(400).send({ error: (error as Error).message });
    const later = tryAgainLater(error);
    if (later) return reply.status(later.status).header('retry-after', String(later.seconds)).send({ error: later.message });
    request.log.error({ err: error }, 'filter request failed');
    return reply.status(500).send({ error: `Something went wrong. Quote reference ${request.id}.` });
  });

  app.get('/v2/filter', {
    schema: { tags: ['open data: data filter'], summary: 'Rows of a tabular resource, filtered and sorted by column number', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 20_000 })) }) },
  }, async (request) => {
    const q = parse(request.query.q);
    const id = typeof q.resource === 'string' ? resourceIdFromUrl(q.resource) : undefined;
    if (!id) throw bad('resource must be the download address of a file on this portal');
    const resource = await store.resourceById(db, id);
    if (!resource?.fields) throw bad('resource is not a tabular (CSV or GeoJSON) file on this portal');
    if (q.section !== undefined && q.section !== 1) throw bad('section must be 1: CSV files have one section');
    if (q.format !== undefined && q.format !== 'json') throw bad('format must be json');
    const fields = resource.fields;
    const clauses: RawBuilder<unknown>[] = [sql`resource_id = ${resource.id}`];
    for (const [i, f] of (Array.isArray(q.filters) ? q.filters : q.filters === undefined ? [] : [null]).entries()) {
      if (!Array.isArray(f) || f.length !== 3 || !Array.isArray(f[2])) throw bad(`filters[${i}] must be [column, "eq" or "ct", [values]]`);
      const field = column(fields, f[0], `filters[${i}]`);
      const values = (f[2] as unknown[]).map(String);
      if (f[1] === 'eq') clauses.push(sql`data->>${field.id} = ANY(${values}::text[])`);
      else if (f[1] === 'ct') clauses.push(sql`data->>${field.id} ILIKE ANY(${values.map((v) => `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}::text[])`);
      else throw bad(`filters[${i}]: the operator must be "eq" or "ct"`);
    }
    const order: RawBuilder<unknown>[] = [];
    for (const [i, s] of (Array.isArray(q.sorts) ? q.sorts : q.sorts === undefined ? [] : [null]).entries()) {
      if (!Array.isArray(s) || s.length !== 2 || !['asc', 'desc'].includes(String(s[1]))) throw bad(`sorts[${i}] must be [column, "asc" or "desc"]`);
      const field = column(fields, s[0], `sorts[${i}]`);
      const dir = sql.raw(s[1] === 'desc' ? 'DESC' : 'ASC');
      order.push(field.type === 'numeric' ? sql`(nullif(data->>${field.id}, ''))::numeric ${dir} NULLS LAST` : sql`data->>${field.id} ${dir}`);
    }
    const rows = await sql<{ data: Record<string, unknown> }>`
      SELECT data FROM opendata_rows WHERE ${sql.join(clauses, sql` AND `)} ORDER BY ${sql.join([...order, sql`row_no`], sql`, `)} LIMIT ${MAX_ROWS}`.execute(db);
    return rows.rows.map((r) => Object.fromEntries(fields.map((f) => [f.id, r.data[f.id] ?? null])));
  });
};
