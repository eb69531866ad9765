import { Type } from 'typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { listOrganisations } from '../organisations/index.ts';
import { getPublicDataset } from './dataset.ts';
import { DCAT_CONTEXT, datasetNode, toTurtle, type Node } from './dcat.ts';
import { searchDatasets } from './search.ts';
import * as store from './store.ts';

const PAGE_SIZE = 100;
const PageQuery = Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) });

/** The DCAT catalogue, paged (JSON-LD and Turtle), and each dataset as JSON-LD. Three statements per page. */
export const dcatRoutes: ModuleRoutes = async (app, { db, config }) => {
  const base = config.BASE_URL;
  const tags = ['open data: DCAT'];

  async function catalogue(page: number, format: 'jsonld' | 'ttl') {
    const found = await searchDatasets(db, { filters: {}, sort: [{ key: 'metadata_modified', direction: 'desc' }], limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    const [resources, organisations] = await Promise.all([store.resourcesOf(db, found.rows.map((d) => d.id)), listOrganisations(db)]);
    const byDataset = Map.groupBy(resources, (r) => r.dataset_id);
    const byId = new Map(organisations.map((o) => [o.id, o]));
    const datasets = found.rows.map((d) => datasetNode(base, d, byDataset.get(d.id) ?? [], byId.get(d.organisation_id)));
    const last = Math.max(1, Math.ceil(found.count / PAGE_SIZE));
    const pageUrl = (n: number) => `${base}/opendata/catalog.${format}?page=${n}`;
    const catalog: Node = {
      '@id': `${base}/opendata`, '@type': 'dcat:Catalog', 'dct:title': 'smartgov Open Data Portal',
      'dcat:dataset': datasets.map((d) => ({ '@id': d['@id'] })),
    };
    const paging: Node = {
      '@id': pageUrl(page), '@type': 'hydra:PagedCollection', 'hydra:totalItems': found.count, 'hydra:itemsPerPage': PAGE_SIZE,
      'hydra:firstPage': { '@id': pageUrl(1) }, 'hydra:lastPage': { '@id': pageUrl(last) },
      ...(page < last ? { 'hydra:nextPage': { '@id': pageUrl(page + 1) } } : {}),
      ...(page > 1 ? { 'hydra:previousPage': { '@id': pageUrl(page - 1) } } : {}),
    };
    return { nodes: [catalog, paging, ...datasets] };
  }

  app.get('/opendata/catalog.jsonld', { schema: { tags, summary: 'The catalogue as DCAT JSON-LD, 100 datasets a page', querystring: PageQuery } }, async (request, reply) => {
    const { nodes } = await catalogue(request.query.page ?? 1, 'jsonld');
    return reply.type('application/ld+json').send({ '@context': DCAT_CONTEXT, '@graph': nodes });
  });

  app.get('/opendata/catalog.ttl', { schema: { tags, summary: 'The catalogue as DCAT Turtle, 100 datasets a page', querystring: PageQuery } }, async (request, reply) => {
    const { nodes } = await catalogue(request.query.page ?? 1, 'ttl');
    return reply.type('text/turtle; charset=utf-8').send(toTurtle(nodes));
  });

  app.get('/opendata/datasets/:name/dcat.jsonld', { schema: { tags, summary: 'One dataset as DCAT JSON-LD', params: Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' }) }) } }, async (request, reply) => {
    const dataset = await getPublicDataset(db, request.params.name);
    const [resources, organisations] = await Promise.all([store.resourcesOf(db, [dataset.id]), listOrganisations(db)]);
    const node = datasetNode(base, dataset, resources, organisations.find((o) => o.id === dataset.organisation_id));
    return reply.type('application/ld+json').send({ '@context': DCAT_CONTEXT, ...node });
  });
};
