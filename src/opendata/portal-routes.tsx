import { Type } from 'typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { notFound } from '../platform/errors.ts';
import { pageContext, sendPage } from '../platform/http/pages.ts';
import type { FileStore } from '../platform/files/index.ts';
import { getOrganisationById, listOrganisations } from '../organisations/index.ts';
import { getPublicDataset } from './dataset.ts';
import { sendStoredFile } from './download.ts';
import { facetCounts, searchDatasets, type SearchOptions } from './search.ts';
import * as store from './store.ts';
import { SearchPage } from './views/portal-search.tsx';
import { DatasetPage, PreviewPage } from './views/portal-dataset.tsx';

const PAGE_SIZE = 20;
const PREVIEW_ROWS = 50;
const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  organisation: Type.Optional(Type.String({ maxLength: 40, pattern: '^[A-Za-z0-9-]*$' })),
  category: Type.Optional(Type.String({ maxLength: 60, pattern: '^[a-z-]*$' })),
  format: Type.Optional(Type.String({ maxLength: 20, pattern: '^[A-Za-z]*$' })),
  sort: Type.Optional(Type.Union([Type.Literal('relevance'), Type.Literal('modified'), Type.Literal('name'), Type.Literal('')])),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});
const SORTS: Record<string, SearchOptions['sort']> = {
  relevance: [{ key: 'score', direction: 'desc' }, { key: 'metadata_modified', direction: 'desc' }],
  modified: [{ key: 'metadata_modified', direction: 'desc' }],
  name: [{ key: 'title_string', direction: 'asc' }],
};

/** The public portal: no sign-in, every page works without JavaScript; downloads at a stable address. */
export const portalRoutes = (files: FileStore): ModuleRoutes => async (app, { db, config }) => {
  app.get('/opendata', { schema: { hide: true, querystring: SearchQuery } }, async (request, reply) => {
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    const query = request.query;
    const organisations = await listOrganisations(db);
    const organisation = query.organisation ? organisations.find((o) => o.code.toLowerCase() === query.organisation?.toLowerCase()) : undefined;
    const page = query.page ?? 1;
    const sort = query.sort || 'relevance';
    const options: SearchOptions = {
      q: query.q?.trim() || undefined, sort: SORTS[sort]!, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE,
      titleColumn: ctx.locale === 'en' ? 'title_en' : ctx.locale === 'zh-HK' ? 'title_zh_hk' : 'title_zh_cn',
      filters: {
        ...(query.organisation ? { organisationIds: [organisation?.id ?? '00000000-0000-0000-0000-000000000000'] } : {}),
        ...(query.category ? { categories: [query.category] } : {}),
        ...(query.format ? { formats: [query.format] } : {}),
      },
    };
    const [found, facets] = await Promise.all([searchDatasets(db, options), facetCounts(db, options, ['organization', 'groups', 'res_format'], 50)]);
    const toMap = (items: { value: string; count: number }[]) => new Map(items.map((i) => [i.value, i.count]));
    return sendPage(reply, <SearchPage ctx={ctx} view={{
      q: query.q ?? '', organisation: query.organisation ?? '', category: query.category ?? '', format: query.format ?? '', sort, page,
      pages: Math.max(1, Math.ceil(found.count / PAGE_SIZE)), count: found.count, datasets: found.rows, organisations,
      facets: { organisation: toMap(facets.organization), category: toMap(facets.groups), format: toMap(facets.res_format) },
    }} />);
  });

  app.get('/opendata/datasets/:name', { schema: { hide: true, params: Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' }) }) } }, async (request, reply) => {
    const dataset = await getPublicDataset(db, request.params.name);
    const list = await store.resourcesOf(db, [dataset.id]);
    const ids = list.map((r) => r.id);
    const [organisation, counts, versions] = await Promise.all([
      getOrganisationById(db, dataset.organisation_id), store.downloadCounts(db, ids), store.versionsOfMany(db, ids),
    ]);
    return sendPage(reply, <DatasetPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} view={{
      dataset, organisation, resources: list,
      downloads: new Map(counts.map((c) => [c.resource_id, { today: c.today, total: c.total }])),
      versions: Map.groupBy(versions, (v) => v.resource_id),
    }} />);
  });

  app.get('/opendata/resources/:id/preview', { schema: { hide: true, params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } }, async (request, reply) => {
    const resource = await store.resourceById(db, request.params.id);
    if (!resource?.fields) throw notFound('The table');
    const [dataset, rows] = await Promise.all([store.datasetById(db, resource.dataset_id), store.firstRows(db, resource.id, PREVIEW_ROWS)]);
    if (!dataset) throw notFound('The table');
    const columns = resource.fields.map((f) => f.id);
    return sendPage(reply, <PreviewPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} dataset={dataset} resource={resource} columns={columns} rows={rows} total={resource.row_count ?? rows.length} />);
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/opendata/download/:id/:fileName',
    schema: { tags: ['open data'], summary: 'Download a resource file (ETag, Last-Modified, Range)', params: Type.Object({ id: Type.String({ format: 'uuid' }), fileName: Type.String({ maxLength: 300 }) }) },
    handler: async (request, reply) => {
      const { id } = request.params as { id: string };
      const resource = await store.resourceById(db, id);
      if (!resource?.file_key || resource.size === null || !resource.sha256) throw notFound('The file');
      await sendStoredFile(request, reply, files, {
        key: resource.file_key, size: resource.size, sha256: resource.sha256, modifiedAt: resource.modified_at,
        mediaType: resource.media_type ?? 'application/octet-stream', fileName: resource.file_name ?? 'file',
      }, () => store.countDownload(db, resource.id));
      return reply;
    },
  });
};
