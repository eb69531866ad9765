import { Type } from 'typebox';
import { tryAgainLater } from '../try-again.ts';
import { sql } from 'kysely';
import type { FastifyError } from 'fastify';
import { isBadValueError } from '../ckan/errors.ts';
import type { ModuleRoutes } from '../../platform/services.ts';
import type { Db } from '../../platform/db/database.ts';
import * as store from '../store.ts';

// OGC API – Features (Part 1: Core) over the portal's spatial resources: each ingested GeoJSON resource is a
// collection; coordinates are WGS 84 (CRS84), converted at ingestion with the source CRS recorded.
// Errors use the OGC exception shape, { code, description }.

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
];

class OgcError extends Error {
  constructor(readonly status: number, readonly code: string, description: string) { super(description); }
}

const ItemsQuery = Type.Object({
  limit: Type.Optional(Type.String({ maxLength: 10 })), offset: Type.Optional(Type.String({ maxLength: 12 })),
  bbox: Type.Optional(Type.String({ maxLength: 200 })), f: Type.Optional(Type.String({ maxLength: 10 })),
});

async function spatialResource(db: Db, id: string) {
  const resource = store.isUuid(id) ? await store.resourceById(db, id) : undefined;
  if (!resource?.source_crs) throw new OgcError(404, 'NotFound', `Collection ${id} does not exist.`);
  return resource;
}

function parseBbox(value: string | undefined): [number, number, number, number] | undefined {
  if (!value) return undefined;
  const parts = value.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[0]! > parts[2]! || parts[1]! > parts[3]!) {
    throw new OgcError(400, 'InvalidParameterValue', 'bbox must be four numbers: minLon,minLat,maxLon,maxLat (WGS 84).');
  }
  return parts as [number, number, number, number];
}

function whole(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new OgcError(400, 'InvalidParameterValue', `${name} must be a whole number.`);
  return Math.min(Number(value), max);
}

export const ogcRoutes: ModuleRoutes = async (app, { db, config }) => {
  const base = `${config.BASE_URL}/ogc`;
  const tags = ['open data: OGC API Features'];
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof OgcError) return reply.status(error.status).send({ code: error.code, description: error.message });
    if (isBadValueError(error)) return reply.status(400).send({ code: 'InvalidParameterValue', description: 'A value is not valid.' });
    if ((error as FastifyError).validation) return reply.status(400).send({ code: 'InvalidParameterValue', description: (error as Error).message });
    const later = tryAgainLater(error);
    if (later) return reply.status(later.status).header('retry-after', String(later.seconds)).send({ code: later.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', description: later.message });
    request.log.error({ err: error }, 'OGC API request failed');
    return reply.status(500).send({ code: 'ServerError', description: `Something went wrong. Quote reference ${request.id}.` });
  });

  const collection = async (r: store.ResourceRow) => {
    const extent = await sql<{ x1: number | null; y1: number | null; x2: number | null; y2: number | null }>`
      SELECT min(min_x) AS x1, min(min_y) AS y1, max(max_x) AS x2, max(max_y) AS y2 FROM opendata_rows WHERE resource_id = ${r.id}`.execute(db);
    const e = extent.rows[0];
    return {
      id: r.id, title: r.name_en, description: `${r.name_zh_hk} (source CRS ${r.source_crs})`, itemType: 'feature', crs: [CRS84], storageCrs: CRS84, sourceCrs: r.source_crs,
      extent: { spatial: { bbox: e?.x1 == null ? [] : [[e.x1, e.y1, e.x2, e.y2]], crs: CRS84 } },
      links: [
        { href: `${base}/collections/${r.id}`, rel: 'self', type: 'application/json', title: 'This collection' },
        { href: `${base}/collections/${r.id}/items`, rel: 'items', type: 'application/geo+json', title: 'Features' },
      ],
    };
  };

  app.get('/ogc', { schema: { tags, summary: 'OGC API landing page' } }, async () => ({
    title: 'smartgov open data: spatial datasets', description: 'OGC API – Features over the spatial resources of the open data portal',
    links: [
      { href: base, rel: 'self', type: 'application/json' },
      { href: `${base}/conformance`, rel: 'conformance', type: 'application/json' },
      { href: `${base}/collections`, rel: 'data', type: 'application/json' },
      { href: `${config.BASE_URL}/api/openapi.json`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0' },
    ],
  }));
  app.get('/ogc/conformance', { schema: { tags, summary: 'Conformance classes' } }, async () => ({ conformsTo: CONFORMANCE }));

  app.get('/ogc/collections', { schema: { tags, summary: 'Spatial collections' } }, async () => {
    const resources = await db.selectFrom('opendata_resources').selectAll().where('source_crs', 'is not', null).orderBy('created_at').execute();
    return { collections: await Promise.all(resources.map(collection)), links: [{ href: `${base}/collections`, rel: 'self', type: 'application/json' }] };
  });

  app.get('/ogc/collections/:id', { schema: { tags, summary: 'One collection', params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } }, async (request) =>
    collection(await spatialResource(db, request.params.id)));

  app.get('/ogc/collections/:id/items', { schema: { tags, summary: 'Features, with bbox and paging', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), querystring: ItemsQuery } }, async (request, reply) => {
    const resource = await spatialResource(db, request.params.id);
    const limit = whole(request.query.limit, 'limit', 10, 10_000);
    const offset = whole(request.query.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const bbox = parseBbox(request.query.bbox);
    const where = bbox
      ? sql`resource_id = ${resource.id} AND max_x >= ${bbox[0]} AND min_x <= ${bbox[2]} AND max_y >= ${bbox[1]} AND min_y <= ${bbox[3]}`
      : sql`resource_id = ${resource.id}`;
    const rows = await sql<{ row_no: number; data: Record<string, unknown>; total: number }>`
      SELECT row_no, data, count(*) OVER ()::int AS total FROM opendata_rows WHERE ${where} ORDER BY row_no LIMIT ${limit} OFFSET ${offset}`.execute(db);
    const matched = rows.rows[0]?.total ?? 0;
    const page = (o: number) => `${base}/collections/${resource.id}/items?${new URLSearchParams({ limit: String(limit), offset: String(o), ...(request.query.bbox ? { bbox: request.query.bbox } : {}) })}`;
    const links = [{ href: page(offset), rel: 'self', type: 'application/geo+json' }, { href: `${base}/collections/${resource.id}`, rel: 'collection', type: 'application/json' }];
    if (offset + rows.rows.length < matched) links.push({ href: page(offset + limit), rel: 'next', type: 'application/geo+json' });
    if (offset > 0) links.push({ href: page(Math.max(0, offset - limit)), rel: 'prev', type: 'application/geo+json' });
    reply.type('application/geo+json');
    return {
      type: 'FeatureCollection',
      features: rows.rows.map(({ row_no, data }) => {
        const { geometry, ...properties } = data;
        return { type: 'Feature', id: row_no, geometry: geometry ?? null, properties };
      }),
      numberMatched: matched, numberReturned: rows.rows.length, timeStamp: new Date().toISOString(), links,
    };
  });

  app.get('/ogc/collections/:id/items/:featureId', { schema: { tags, summary: 'One feature', params: Type.Object({ id: Type.String({ maxLength: 64 }), featureId: Type.String({ maxLength: 12 }) }) } }, async (request, reply) => {
    const resource = await spatialResource(db, request.params.id);
    const row = /^\d+$/.test(request.params.featureId)
      ? await db.selectFrom('opendata_rows').select(['row_no', 'data']).where('resource_id', '=', resource.id).where('row_no', '=', Number(request.params.featureId)).executeTakeFirst()
      : undefined;
    if (!row) throw new OgcError(404, 'NotFound', `Feature ${request.params.featureId} does not exist.`);
    const { geometry, ...properties } = row.data;
    reply.type('application/geo+json');
    return { type: 'Feature', id: row.row_no, geometry: geometry ?? null, properties, links: [{ href: `${base}/collections/${resource.id}/items/${row.row_no}`, rel: 'self', type: 'application/geo+json' }] };
  });
};
