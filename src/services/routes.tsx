import { Type } from 'typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { hasRole, requireRole } from '../platform/access.ts';
import { DomainError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { labelsFrom } from '../platform/http/problem.ts';
import { listOrganisations } from '../organisations/index.ts';
import { CatalogueQuery, CataloguePage as CatalogueResult, publishedByOrganisation, publishedCategories, searchCatalogue } from './catalogue.ts';
import * as services from './service.ts';
import { readServiceForm, serviceFormValues } from './form.ts';
import { hasLiveForm } from './forms.ts';
import { formatHkd, listPaymentItems } from '../payments/index.ts';
import { serviceMessages } from './messages.ts';
import { CataloguePage } from './views/catalogue.tsx';
import { ServicePage } from './views/service.tsx';
import { ServiceFormPage, ServicesConsolePage, type ServiceFormValues } from './views/console.tsx';
import { applicationRoutes } from './application-routes.tsx';
import { formEditorRoutes } from './form-editor-routes.tsx';

const Problem = Type.Ref('Problem');
const SlugParams = Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,79}$' }) });
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const FormBody = Type.Record(Type.String(), Type.String({ maxLength: 4000 }));
const VersionBody = Type.Object({ version: Type.Optional(Type.String({ pattern: '^\\d{1,9}$' })), _csrf: Type.Optional(Type.String()) });
const tags = ['services'];

const DOCUMENT_FIELDS = [['labelEn', 'form.documentLabelEn'], ['labelZhHk', 'form.documentLabelZhHk'], ['noteEn', 'form.documentNoteEn'], ['noteZhHk', 'form.documentNoteZhHk'], ['mandatory', 'form.documentMandatory']] as const;
/** The service form's fields as its page labels them (documents by row, as far as rows are read: 0 to 99). */
const serviceFormLabels = labelsFrom(serviceMessages, (t) => {
  const labels: Record<string, string> = {
    slug: t('form.slug'), category: t('form.category'), nameEn: t('form.nameEn'), nameZhHk: t('form.nameZhHk'), summaryEn: t('form.summaryEn'), summaryZhHk: t('form.summaryZhHk'),
    pledgeWorkingDays: t('form.pledge'), feeItemId: t('form.fee'), feeDue: t('form.feeDue'), contactEmail: t('form.contact'),
    eligibilityEn: t('form.eligibilityEn'), eligibilityZhHk: t('form.eligibilityZhHk'),
  };
  for (let row = 0; row < 100; row++) {
    for (const [field, key] of DOCUMENT_FIELDS) labels[`documents.${row}.${field}`] = t('form.documentField', { field: t(key), n: row + 1 });
  }
  return labels;
});

export const serviceRoutes: ModuleRoutes = async (app, options) => {
  const { db, config } = options;
  await app.register(applicationRoutes, options);
  await app.register(formEditorRoutes, options);
  const page = (request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1]) => pageContext(request, reply, config.SEED_SAMPLE_DATA);
  const feeItems = async (request: Parameters<typeof requestContext>[0]) =>
    (await listPaymentItems(db, requestContext(request))).map((i) => ({ id: i.id, label: `${i.name[request.locale]} (${formatHkd(i.amountCents)})` }));
  const organisationMap = async () => new Map((await listOrganisations(db)).map((o) => [o.id, o]));

  // --- Public catalogue ---
  app.get('/services', { schema: { hide: true, querystring: CatalogueQuery } }, async (request, reply) => {
    const [results, counts, byOrganisation, organisations] = await Promise.all([searchCatalogue(db, request.query), publishedCategories(db), publishedByOrganisation(db), organisationMap()]);
    const departments = byOrganisation.flatMap(({ organisationId, count }) => {
      const organisation = organisations.get(organisationId);
      return organisation ? [{ organisation, count }] : [];
    });
    return sendPage(reply, <CataloguePage ctx={page(request, reply)} query={request.query} results={results} counts={new Map(counts.map((c) => [c.category, c.count]))} organisations={organisations} departments={departments} />);
  });

  app.get('/services/:slug', { schema: { hide: true, params: SlugParams } }, async (request, reply) => {
    const service = await services.getPublishedService(db, request.params.slug);
    const [organisations, online] = await Promise.all([organisationMap(), hasLiveForm(db, service.id)]);
    return sendPage(reply, <ServicePage ctx={page(request, reply)} service={service} organisation={organisations.get(service.organisationId)} online={online} />);
  });

  // Cached catalogue pages are shared objects: each is serialised by the response schema once, then sent as bytes
  // (encoding and measuring the text again was a third of a cached search).
  const serialised = new WeakMap<CatalogueResult, Buffer>();
  app.get('/api/v1/services', {
    schema: { tags, summary: 'Search the published catalogue (English, Traditional or Simplified Chinese)', querystring: CatalogueQuery, response: { 200: CatalogueResult, 400: Problem } },
  }, async (request, reply) => {
    const page = await searchCatalogue(db, request.query);
    let body = serialised.get(page);
    if (!body) serialised.set(page, (body = Buffer.from(reply.serialize(page) as string)));
    return reply.type('application/json; charset=utf-8').send(body);
  });

  app.get('/api/v1/services/:slug', {
    schema: { tags, summary: 'A published service', params: SlugParams, response: { 200: services.Service, 404: Problem } },
  }, async (request) => services.getPublishedService(db, request.params.slug));

  app.post('/api/v1/services', {
    schema: { tags, summary: 'Create a service as a draft (organisation admin)', security: [{ staffSession: [] }], body: services.ServiceInput, response: { 201: services.Service, 400: Problem, 401: Problem, 403: Problem, 409: Problem } },
  }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin');
    return reply.status(201).send(await services.createService(db, requestContext(request), request.body));
  });

  app.put('/api/v1/services/:id', {
    schema: {
      tags, summary: 'Replace a service (organisation admin); `If-Match` carries the version you read', security: [{ staffSession: [] }], params: IdParams,
      headers: Type.Object({ 'if-match': Type.String({ pattern: '^"?\\d{1,9}"?$' }) }), body: services.ServiceInput,
      response: { 200: services.Service, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem },
    },
  }, async (request) => {
    requireRole(request.actor, 'organisation_admin');
    const version = Number(request.headers['if-match'].replace(/"/g, ''));
    return services.updateService(db, requestContext(request), request.params.id, version, request.body);
  });

  // --- Console ---
  app.get('/console/services', { schema: { hide: true } }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin', 'officer', 'approver');
    const list = await services.listOwnServices(db, requestContext(request));
    return sendPage(reply, <ServicesConsolePage ctx={page(request, reply)} services={list} canEdit={hasRole(request.actor, 'organisation_admin')} />);
  });

  app.get('/console/services/new', { schema: { hide: true } }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin');
    return sendPage(reply, <ServiceFormPage ctx={page(request, reply)} values={{ category: 'transport' }} errors={[]} feeItems={await feeItems(request)} />);
  });

  app.get('/console/services/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin');
    const service = await services.getOwnService(db, requestContext(request), request.params.id);
    return sendPage(reply, <ServiceFormPage ctx={page(request, reply)} service={service} values={serviceFormValues(service)} errors={[]} feeItems={await feeItems(request)} />);
  });

  const saveForm = async (request: Parameters<typeof pageContext>[0], reply: Parameters<typeof pageContext>[1], values: ServiceFormValues, id?: string) => {
    requireRole(request.actor, 'organisation_admin');
    const ctx = requestContext(request);
    const existing = id ? await services.getOwnService(db, ctx, id) : undefined;
    const { input, errors } = readServiceForm(values, request.locale);
    if (input) {
      try {
        const saved = existing ? await services.updateService(db, ctx, existing.id, Number(values.version), input) : await services.createService(db, ctx, input);
        return reply.redirect(`/console/services/${saved.id}`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'conflict') throw error;
        errors.push({ field: error.message.includes('address') ? 'slug' : 'version', reason: error.message });
      }
    }
    return sendPage(reply, <ServiceFormPage ctx={page(request, reply)} service={existing} values={values} errors={errors} feeItems={await feeItems(request)} />, errors.some((e) => e.field === 'version') ? 409 : 400);
  };

  app.post('/console/services/new', { schema: { hide: true, body: FormBody }, config: { fieldLabels: serviceFormLabels } }, async (request, reply) => saveForm(request, reply, request.body));
  app.post('/console/services/:id', { schema: { hide: true, params: IdParams, body: FormBody }, config: { fieldLabels: serviceFormLabels } }, async (request, reply) => saveForm(request, reply, request.body, request.params.id));

  for (const [action, status] of [['publish', 'published'], ['withdraw', 'withdrawn']] as const) {
    app.post(`/console/services/:id/${action}`, { schema: { hide: true, params: IdParams, body: VersionBody } }, async (request, reply) => {
      requireRole(request.actor, 'organisation_admin');
      await services.setServiceStatus(db, requestContext(request), request.params.id, Number(request.body.version ?? -1), status);
      return reply.redirect(`/console/services/${request.params.id}`, 303);
    });
  }
};
