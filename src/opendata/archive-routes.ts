import { Type } from 'typebox';
import { tryAgainLater } from './try-again.ts';
import type { FastifyError } from 'fastify';
import { isBadValueError } from './ckan/errors.ts';
import type { ModuleRoutes } from '../platform/services.ts';
import { DomainError } from '../platform/errors.ts';
import type { FileStore } from '../platform/files/index.ts';
import { listOrganisations } from '../organisations/index.ts';
import { archiveTimestamp, hongKongDay, isArchiveTimestamp, listArchivedFiles, resourceIdFromUrl, versionAt, versionsInPeriod } from './archive.ts';
import { downloadUrl } from './ckan/present.ts';
import { sendStoredFile } from './download.ts';
import * as store from './store.ts';

// The historical archive API at the paths and with the parameters the current portal documents
// (/v1/historical-archive/...). Bad input is answered 400 with a JSON list of errors, as that API does.

class ArchiveInputError extends Error {
  constructor(readonly errors: { parameter: string; message: string }[]) { super('invalid archive request'); }
}
const bad = (parameter: string, message: string) => new ArchiveInputError([{ parameter, message }]);

const Text = Type.Optional(Type.String({ maxLength: 2000 }));
const ListFilesQuery = Type.Object({ start: Text, end: Text, category: Text, provider: Text, format: Text, search: Text, order: Text, skip: Text, max: Text });
const VersionsQuery = Type.Object({ url: Text, start: Text, end: Text });
const GetFileQuery = Type.Object({ url: Text, time: Text });
const ErrorList = Type.Array(Type.Object({ parameter: Type.String(), message: Type.String() }));

function period(start: string | undefined, end: string | undefined): { from: Date; to: Date } {
  if (!start) throw bad('start', 'start is required (YYYYMMDD)');
  if (!end) throw bad('end', 'end is required (YYYYMMDD)');
  const from = hongKongDay(start);
  const last = hongKongDay(end);
  if (!from) throw bad('start', 'start must be a date in YYYYMMDD format');
  if (!last) throw bad('end', 'end must be a date in YYYYMMDD format');
  if (last < from) throw bad('end', 'end must not be before start');
  return { from, to: new Date(last.getTime() + 24 * 3600_000) };
}

function count(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw bad(name, `${name} must be a whole number`);
  return Math.min(Number(value), max);
}

function resourceOf(url: string | undefined): string {
  if (!url) throw bad('url', 'url is required: the download address of a file');
  const id = resourceIdFromUrl(url);
  if (!id) throw bad('url', 'url is not the address of a file on this portal');
  return id;
}

export const archiveRoutes = (files: FileStore): ModuleRoutes => async (app, { db, config }) => {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ArchiveInputError) return reply.status(400).send(error.errors);
    if (isBadValueError(error)) return reply.status(400).send([{ parameter: 'query', message: 'A value is not valid.' }]);
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) return reply.status(400).send(fastifyError.validation.map((v) => ({ parameter: v.instancePath.slice(1) || 'query', message: v.message ?? 'is not valid' })));
    if (error instanceof DomainError && error.status === 404) return reply.status(404).send([{ parameter: 'url', message: error.message }]);
    const later = tryAgainLater(error);
    if (later) return reply.status(later.status).header('retry-after', String(later.seconds)).send([{ parameter: '', message: later.message }]);
    request.log.error({ err: error }, 'archive request failed');
    return reply.status(500).send([{ parameter: '', message: `Something went wrong. Quote reference ${request.id}.` }]);
  });
  const tags = ['open data: historical archive'];

  app.get('/v1/historical-archive/list-files', {
    schema: { tags, summary: 'Files with versions in a period', querystring: ListFilesQuery },
  }, async (request) => {
    const q = request.query;
    const { from, to } = period(q.start, q.end);
    if (q.order && !['asc', 'desc'].includes(q.order)) throw bad('order', 'order must be asc or desc');
    const organisations = await listOrganisations(db);
    const provider = q.provider ? organisations.find((o) => [o.code.toLowerCase(), `hk-${o.code.toLowerCase()}`].includes(q.provider!.toLowerCase())) : undefined;
    if (q.provider && !provider) return { files: [], 'file-count': 0 };
    const found = await listArchivedFiles(db, {
      from, to, category: q.category, organisationId: provider?.id, format: q.format, search: q.search,
      order: q.order === 'asc' ? 'asc' : 'desc', skip: count(q.skip, 'skip', 0, Number.MAX_SAFE_INTEGER), max: count(q.max, 'max', 100, 1000),
    });
    const byId = new Map(organisations.map((o) => [o.id, o]));
    return {
      files: found.rows.map((r) => ({
        url: downloadUrl(config.BASE_URL, { id: r.resource_id, file_name: r.file_name }), format: r.format, category: r.category,
        provider: `hk-${byId.get(r.organisation_id)?.code.toLowerCase() ?? ''}`, 'data-dictionary-url': r.data_dictionary_url,
        'dataset-name-en': r.title_en, 'dataset-name-tc': r.title_zh_hk, 'dataset-name-sc': r.title_zh_cn,
        'resource-name-en': r.name_en, 'resource-name-tc': r.name_zh_hk, 'resource-name-sc': r.name_zh_cn,
        'num-of-versions': r.versions, 'first-version-timestamp': archiveTimestamp(r.first_at), 'last-version-timestamp': archiveTimestamp(r.last_at),
      })),
      'file-count': found.total,
    };
  });

  app.get('/v1/historical-archive/list-file-versions', {
    schema: { tags, summary: 'Timestamps (YYYYMMDD-HHMM, Hong Kong time) of the versions of a file in a period', querystring: VersionsQuery },
  }, async (request) => {
    const resourceId = resourceOf(request.query.url);
    const { from, to } = period(request.query.start, request.query.end);
    const timestamps = [...new Set((await versionsInPeriod(db, resourceId, from, to)).map(archiveTimestamp))];
    return { timestamps, 'version-count': timestamps.length };
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/v1/historical-archive/get-file',
    schema: { tags, summary: 'One version of a file, by its timestamp', querystring: GetFileQuery, response: { 400: ErrorList } },
    handler: async (request, reply) => {
      const query = request.query as { url?: string; time?: string };
      const resourceId = resourceOf(query.url);
      if (!query.time) throw bad('time', 'time is required (YYYYMMDD-HHMM)');
      if (!isArchiveTimestamp(query.time)) throw bad('time', 'time must be in YYYYMMDD-HHMM format');
      const [version, resource] = await Promise.all([versionAt(db, resourceId, query.time), store.resourceById(db, resourceId)]);
      if (!version || !resource) throw new DomainError('not_found', 'There is no version of this file at that time.');
      await sendStoredFile(request, reply, files, {
        key: version.file_key, size: version.size, sha256: version.sha256, modifiedAt: version.version_at, mediaType: version.media_type, fileName: version.file_name,
      });
      return reply;
    },
  });
};
