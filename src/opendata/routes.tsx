import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { requireRole } from '../platform/access.ts';
import { DomainError, type FieldError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { fileStoreFor, type FileStore } from '../platform/files/index.ts';
import { MAX_UPLOAD_BYTES } from './catalogue.ts';
import * as datasets from './dataset.ts';
import * as resources from './resource.ts';
import * as store from './store.ts';
import { openDataMessages } from './messages.ts';
import { isPendingUpload, pendingUploadParser } from '../platform/files/index.ts';
import { STAFF_SESSION_COOKIE } from '../organisations/index.ts';
import { ckanRoutes } from './ckan/routes.ts';
import { portalRoutes } from './portal-routes.tsx';
import { archiveRoutes } from './archive-routes.ts';
import { ogcRoutes } from './ogc/routes.ts';
import { filterRoutes } from './filter-routes.ts';
import { dcatRoutes } from './dcat-routes.ts';
import { ConsoleDatasetsPage, EditDatasetPage, NewDatasetPage, valuesOf, type DatasetFormValues } from './views/console-datasets.tsx';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const UploadedQuery = Type.Object({ uploaded: Type.Optional(Type.String({ format: 'uuid' })) });
// No NUL characters: PostgreSQL text cannot hold them.
const FormBody = Type.Record(Type.String(), Type.String({ maxLength: 20_000, pattern: '^[^\\u0000]*$' }));
const ANY_BODY = Type.Unknown();
/** The organisations module's session cookie (app.ts's CSRF rule reads it by name too). */

/** The form's strings as a publisher's dataset input. */
function datasetInput(body: DatasetFormValues): datasets.DatasetInput {
  const s = (key: string) => (body[key] ?? '').trim();
  return {
    name: s('name'), titleEn: s('titleEn'), titleZhHk: s('titleZhHk'), titleZhCn: s('titleZhCn'), notesEn: s('notesEn'), notesZhHk: s('notesZhHk'), notesZhCn: s('notesZhCn'),
    category: s('category'), tags: s('tags').split(/[,，、]/), licence: s('licence'), contactEmail: s('contactEmail'), updateFrequency: s('updateFrequency'),
    dataDictionaryUrl: s('dataDictionaryUrl'), spatial: body.spatial === 'yes',
  };
}

const fieldsOf = (error: unknown): FieldError[] | undefined =>
  error instanceof DomainError && error.code === 'invalid_input' && error.extra.fields?.length ? error.extra.fields : undefined;

/**
 * The public open data APIs that answer JSON (or a file) in their own envelopes and read no cookie: app.ts registers
 * them in the public API scope, without the pages' cookies, sessions and CSRF check.
 */
export const openDataApiRoutes: ModuleRoutes = async (app, services) => {
  await app.register(ckanRoutes, services);
  await app.register(archiveRoutes(fileStoreFor(services.config)), services);
  await app.register(ogcRoutes, services);
  await app.register(filterRoutes, services);
};

/** The open data portal: publishers' console pages here; the public portal and DCAT catalogue in their own plugins. */
export const openDataRoutes: ModuleRoutes = async (app, services) => {
  const { db, config } = services;
  const files: FileStore = fileStoreFor(config);
  await app.register(portalRoutes(files), services);
  await app.register(dcatRoutes, services);

  const editPage = async (request: FastifyRequest, reply: FastifyReply, id: string, errors: FieldError[], values?: DatasetFormValues, status = 200, uploadedId?: string) => {
    const dataset = await datasets.getDatasetForPublisher(db, request.actor, id);
    const list = await store.resourcesOf(db, [dataset.id]);
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    const uploaded = list.find((r) => r.id === uploadedId);
    return sendPage(reply, <EditDatasetPage ctx={ctx} dataset={dataset} resources={list} values={values ?? valuesOf(dataset)} errors={errors} uploaded={uploaded} />, status);
  };

  app.get('/console/opendata', { schema: { hide: true } }, async (request, reply) => {
    const actor = requireRole(request.actor, 'officer', 'organisation_admin', 'platform_admin');
    const list = await store.datasetsOfOrganisation(db, actor.organisationId);
    return sendPage(reply, <ConsoleDatasetsPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} datasets={list} />);
  });

  app.get('/console/opendata/new', { schema: { hide: true } }, async (request, reply) => {
    requireRole(request.actor, 'officer', 'organisation_admin', 'platform_admin');
    const values = { licence: 'hk-dgov-terms', updateFrequency: 'as-needed' };
    return sendPage(reply, <NewDatasetPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} values={values} errors={[]} />);
  });

  app.post('/console/opendata', { schema: { hide: true, body: FormBody } }, async (request, reply) => {
    const actor = requireRole(request.actor, 'officer', 'organisation_admin', 'platform_admin');
    try {
      const created = await datasets.createDataset(db, requestContext(request), actor.organisationId, datasetInput(request.body));
      return reply.redirect(`/console/opendata/${created.id}`, 303);
    } catch (error) {
      const fields = fieldsOf(error) ?? (error instanceof DomainError && error.code === 'conflict' ? [{ field: 'name', reason: error.message }] : undefined);
      if (!fields) throw error;
      return sendPage(reply, <NewDatasetPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} values={request.body} errors={fields} />, 400);
    }
  });

  // `uploaded` names the resource just uploaded, for the confirmation.
  app.get('/console/opendata/:id', { schema: { hide: true, params: IdParams, querystring: UploadedQuery } }, async (request, reply) =>
    editPage(request, reply, request.params.id, [], undefined, 200, request.query.uploaded));

  app.post('/console/opendata/:id', { schema: { hide: true, params: IdParams, body: FormBody } }, async (request, reply) => {
    requireRole(request.actor, 'officer', 'organisation_admin', 'platform_admin');
    try {
      const { name: _name, ...input } = datasetInput(request.body);
      await datasets.updateDataset(db, requestContext(request), request.params.id, input);
      return reply.redirect(`/console/opendata/${request.params.id}`, 303);
    } catch (error) {
      const fields = fieldsOf(error);
      if (!fields) throw error;
      return editPage(request, reply, request.params.id, fields, request.body, 400);
    }
  });

  app.post('/console/opendata/:id/links', { schema: { hide: true, params: IdParams, body: FormBody } }, async (request, reply) => {
    requireRole(request.actor, 'officer', 'organisation_admin', 'platform_admin');
    const b = request.body;
    try {
      await resources.addLinkResource(db, requestContext(request), request.params.id, { nameEn: b.linkNameEn ?? '', nameZhHk: b.linkNameZhHk ?? '', format: b.linkFormat ?? '', url: (b.url ?? '').trim() });
      return reply.redirect(`/console/opendata/${request.params.id}`, 303);
    } catch (error) {
      const fields = fieldsOf(error);
      if (!fields) throw error;
      const renamed = fields.map((f) => ({ ...f, field: f.field === 'nameEn' ? 'linkNameEn' : f.field === 'nameZhHk' ? 'linkNameZhHk' : f.field === 'format' ? 'linkFormat' : f.field }));
      return editPage(request, reply, request.params.id, renamed, undefined, 400);
    }
  });

  // Uploads: a plugin of their own, so that only these two routes take multipart bodies. The body is read only up
  // to its file part; the CSRF check, the session, the role and the dataset are all checked before the file is read
  // into the FileStore, so a refused request stores nothing.
  await app.register(async (plugin) => {
    const uploads = plugin.withTypeProvider<TypeBoxTypeProvider>();
    uploads.addContentTypeParser('multipart/form-data', pendingUploadParser(MAX_UPLOAD_BYTES));
    // No staff session cookie at all: refused before a byte of the body is parsed.
    uploads.addHook('onRequest', async (request) => {
      if (request.cookies[STAFF_SESSION_COOKIE] === undefined) throw new DomainError('unauthenticated', 'Sign in to the staff console to continue.');
    });
    // A refused request's unread file is thrown away; a stored file whose resource was refused is deleted before the
    // answer goes out (no race with the next request).
    const received = new WeakMap<FastifyRequest, resources.UploadedFile>();
    uploads.addHook('onSend', async (request, reply, payload) => {
      const body = request.body;
      if (isPendingUpload(body)) body.discard();
      const file = received.get(request);
      if (file && reply.statusCode >= 400) await files.delete(file.key);
      return payload;
    });

    const upload = async (request: FastifyRequest, reply: FastifyReply, datasetId: string, write: (fields: Record<string, string>, file: resources.UploadedFile) => Promise<store.ResourceRow>) => {
      const body = request.body;
      const t = openDataMessages(request.locale);
      await datasets.getDatasetForPublisher(db, request.actor, datasetId);
      try {
        const { file, tooLarge } = isPendingUpload(body) ? await body.receive(files) : {};
        if (file) received.set(request, file);
        if (tooLarge) return await editPage(request, reply, datasetId, [{ field: 'file', reason: t('form.fileTooLarge') }], undefined, 413);
        if (!file) return await editPage(request, reply, datasetId, [{ field: 'file', reason: t('form.fileMissing') }], undefined, 400);
        const resource = await write(isPendingUpload(body) ? body.fields : {}, file);
        return reply.redirect(`/console/opendata/${datasetId}?uploaded=${resource.id}`, 303);
      } catch (error) {
        const fields = fieldsOf(error);
        if (!fields) throw error;
        return editPage(request, reply, datasetId, fields, undefined, 400);
      }
    };

    uploads.post('/console/opendata/:id/uploads', { schema: { hide: true, params: IdParams, body: ANY_BODY } }, async (request, reply) =>
      upload(request, reply, request.params.id, (fields, file) => resources.addFileResource(db, files, requestContext(request), request.params.id, { nameEn: fields.nameEn ?? '', nameZhHk: fields.nameZhHk ?? '', format: fields.format ?? '' }, file)));

    uploads.post('/console/opendata/resources/:id/file', { schema: { hide: true, params: IdParams, body: ANY_BODY } }, async (request, reply) => {
      const resource = await store.resourceById(db, request.params.id);
      if (!resource) throw new DomainError('not_found', 'The resource was not found.');
      return upload(request, reply, resource.dataset_id, (_fields, file) => resources.replaceResourceFile(db, files, requestContext(request), resource.id, file));
    });
  });
};
