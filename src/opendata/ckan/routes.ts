import { Type } from 'typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleRoutes } from '../../platform/services.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { DomainError } from '../../platform/errors.ts';
import { ACTIONS, WRITE_ACTIONS } from './actions.ts';
import { CkanError, ckanBadRequest, ckanTryAgain, isBadValueError } from './errors.ts';
import { tryAgainLater } from '../try-again.ts';
import { readParams, type Params } from './params.ts';
import { AnswerCache, catalogueVersion } from './cache.ts';
import { disableSearchCache } from '../search-cache.ts';
import { PresentedDatasets, PresentedJson } from './presented.ts';
import { AnswerBuffers, encodePieces, type JsonPieces } from './answer-buffers.ts';

// The CKAN Action API v3, at /api/3/action/{name} and under the current portal's language prefixes
// (/en-data, /tc-data, /sc-data pick the metadata language). Every answer, errors included, is CKAN's envelope.

const PREFIXES: [string, Locale][] = [['', 'en'], ['/en-data', 'en'], ['/tc-data', 'zh-HK'], ['/sc-data', 'zh-CN']];

const Envelope = Type.Object({
  help: Type.String(),
  success: Type.Boolean(),
  result: Type.Optional(Type.Unknown()),
  error: Type.Optional(Type.Object({ __type: Type.String(), message: Type.String() }, { additionalProperties: true })),
}, { description: 'CKAN response envelope' });

function toCkanError(error: unknown): CkanError {
  if (error instanceof CkanError) return error;
  if (isBadValueError(error)) return new CkanError('Validation Error', 'A value is not valid (for example, it holds a NUL character).');
  const fastifyError = error as FastifyError;
  if (fastifyError?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error instanceof SyntaxError)) return ckanBadRequest('JSON Error: the request body is not valid JSON');
  if (fastifyError?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return ckanBadRequest('the request body must be JSON');
  if (fastifyError?.validation) return ckanBadRequest(fastifyError.message);
  const later = tryAgainLater(error);
  if (later) return ckanTryAgain(later);
  const status = error instanceof DomainError ? error.status : fastifyError?.statusCode;
  if (status === 403) return new CkanError('Authorization Error', 'Access denied');
  if (status === 404) return new CkanError('Not Found Error', 'Not found');
  if (typeof status === 'number' && status >= 400 && status < 500) return ckanBadRequest(error instanceof Error ? error.message : 'invalid request');
  return new CkanError('Bad Request', 'Internal error');
}

/** The same call in any spelling (GET or POST, any parameter order) has one key. */
const cacheKey = (locale: Locale, name: string, params: Params) =>
  `${locale} ${name} ${JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]))}`;
const UNCACHED = new Set(['status_show', 'help_show']);

/** CKAN's success envelope as JSON pieces; a result already serialized goes in as its pieces. */
const envelope = (help: string, result: unknown): JsonPieces => (result instanceof PresentedJson
  ? ['{"help":', JSON.stringify(help), ',"success":true,"result":', ...result.parts, '}']
  : [JSON.stringify({ help, success: true, result })]);

export const ckanRoutes: ModuleRoutes = async (app, { db, config }) => {
  // OPENDATA_CACHE=false: every call answered from the database (to measure it, or to rule the caches out).
  const cache = config.OPENDATA_CACHE ? new AnswerCache() : undefined;
  const presented = config.OPENDATA_CACHE ? new PresentedDatasets() : undefined;
  if (!config.OPENDATA_CACHE) disableSearchCache(db);
  const inflight = new Map<string, Promise<JsonPieces>>();
  const buffers = new AnswerBuffers();
  const helpUrl = (name: string) => `${config.BASE_URL}/api/3/action/help_show?name=${encodeURIComponent(name)}`;
  const actionName = (request: FastifyRequest) => (request.params as { name?: string } | undefined)?.name ?? '';

  app.setErrorHandler((error, request, reply) => {
    const ckan = toCkanError(error);
    const internal = ckan.message === 'Internal error';
    if (internal) request.log.error({ err: error }, 'CKAN action failed');
    if (ckan.status === 503) request.log.warn({ err: error }, 'CKAN action: the database cannot be reached');
    if (ckan.retryAfterSeconds) reply.header('retry-after', String(ckan.retryAfterSeconds));
    return reply.status(internal ? 500 : ckan.status).send({ help: helpUrl(actionName(request)), success: false, error: ckan.body() });
  });

  for (const [prefix, locale] of PREFIXES) {
    const answer = async (name: string, action: (typeof ACTIONS)[string], params: Params) =>
      envelope(helpUrl(name), await action.run({ db, params, locale, baseUrl: config.BASE_URL, presented }));
    // When an answer expires under load, the callers asking for it at that moment share one computation.
    const shared = (key: string, name: string, action: (typeof ACTIONS)[string], params: Params, cache: AnswerCache) => {
      const version = catalogueVersion();
      const flight = `${version} ${key}`;
      let pending = inflight.get(flight);
      if (!pending) {
        pending = answer(name, action, params).then((pieces) => {
          // Kept answers are encoded once: they are sent many times and live for seconds.
          if (cache.admits(key)) cache.set(key, encodePieces(pieces), version);
          return pieces;
        }).finally(() => inflight.delete(flight));
        inflight.set(flight, pending);
      }
      return pending;
    };
    app.route({
      method: ['GET', 'POST'],
      url: `${prefix}/api/3/action/:name`,
      schema: {
        tags: ['open data: CKAN API'], summary: `CKAN action${prefix ? ` (${locale} metadata)` : ''}`,
        params: Type.Object({ name: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object({}, { additionalProperties: true }),
        response: { 200: Envelope, 400: Envelope, 403: Envelope, 404: Envelope, 409: Envelope, 429: Envelope, 503: Envelope },
      },
      // Synchronous, and making no closure, up to a cached answer: a promise and a closure per call each cost time.
      handler: (request: FastifyRequest, reply: FastifyReply) => {
        const name = actionName(request);
        const params = readParams(request.query as Record<string, unknown>, request.body, request.headers['content-type']);
        if (name === 'help_show') {
          const asked = String(params.name ?? '');
          const action = ACTIONS[asked];
          if (!action) throw new CkanError('Not Found Error', `Action function not found: ${asked}`);
          return { help: helpUrl(name), success: true, result: action.help };
        }
        if (WRITE_ACTIONS.has(name)) throw new CkanError('Authorization Error', `Access denied: ${name} is not open through this API; datasets are published in the staff console.`);
        const action = ACTIONS[name];
        if (!action) throw ckanBadRequest(`Action name not known: ${name}`);
        // Open data is public: shared caches may keep an answer briefly.
        reply.header('cache-control', 'public, max-age=60').type('application/json; charset=utf-8');
        if (!cache || UNCACHED.has(name)) return answer(name, action, params).then((pieces) => void buffers.send(reply, pieces));
        const key = cacheKey(locale, name, params);
        const cached = cache.get(key);
        if (cached) return void reply.send(cached);
        return shared(key, name, action, params, cache).then((pieces) => void buffers.send(reply, pieces));
      },
    });
  }
};
