import { Type } from 'typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ERROR_CATALOGUE, fromDriverError, type ErrorCode, type FieldError } from '../errors.ts';
import type { Locale } from '../i18n/index.ts';

// The one place where any error becomes a response: RFC 9457 problem+json for the API,
// a friendly page for people. Driver messages and stacks are logged, never sent.

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: ErrorCode;
  errors?: FieldError[];
  requestId: string;
}

const STATUS_TO_CODE: Record<number, ErrorCode> = Object.fromEntries(
  Object.entries(ERROR_CATALOGUE).map(([code, { status }]) => [status, code as ErrorCode]),
);

function validationFields(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const base = `${error.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`;
    const field = typeof params.missingProperty === 'string' ? `${base}.${params.missingProperty}` : typeof params.additionalProperty === 'string' ? `${base}.${params.additionalProperty}` : base;
    const reason = typeof params.additionalProperty === 'string' ? 'is not an accepted field' : typeof params.missingProperty === 'string' ? 'is required' : (v.message ?? 'is not valid');
    return { field, reason };
  });
}

/** A page form's field labels by input name, in the person's language: a route gives them as `config: { fieldLabels }`. */
export type FieldLabels = (locale: Locale) => Readonly<Record<string, string>>;

/** Field labels from a module's messages: `labelsFrom(organisationMessages, (t) => ({ email: t('signIn.email') }))`. */
export const labelsFrom = <T>(messages: (locale: Locale) => T, labels: (t: T) => Record<string, string>): FieldLabels => (locale) => labels(messages(locale));

declare module 'fastify' {
  interface FastifyContextConfig {
    /** So that input the schema refuses is named on the error page as the form names it. */
    fieldLabels?: FieldLabels;
  }
}

/** One way input failed its route's schema, in ajv's terms, so that pages can word it in the person's language. */
export interface SchemaProblem {
  /** body, querystring, params or headers. */
  source: string;
  /** The input's name as the form sends it (`nameEn`, `entries.0.note`); '' for the input as a whole. */
  name: string;
  keyword: string;
  params: Readonly<Record<string, unknown>>;
  /** Tells a union's own failure from its branches'. */
  schemaPath: string;
}

/** Input refused by the route's schema: the English reason (API) and the problems themselves (pages). */
export class SchemaInputError extends DomainError {
  constructor(fields: FieldError[], readonly problems: readonly SchemaProblem[], readonly labels: FieldLabels | undefined) {
    super('invalid_input', fields.map((f) => `${f.field} ${f.reason}`).join('; '), { fields });
  }
}

const pointerSegment = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

function schemaProblems(error: FastifyError): SchemaProblem[] {
  return (error.validation ?? []).map((v) => {
    const params = (v.params ?? {}) as Record<string, unknown>;
    const child = typeof params.missingProperty === 'string' ? params.missingProperty : typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
    const path = v.instancePath.split('/').slice(1).map(pointerSegment);
    const name = [...path, ...(child === undefined ? [] : [child])].join('.');
    return { source: error.validationContext ?? 'body', name, keyword: v.keyword, params, schemaPath: v.schemaPath };
  });
}

/** Classifies any thrown value as a DomainError; `internal` when nothing else fits. */
export function toDomainError(error: unknown, labels?: FieldLabels): DomainError {
  if (error instanceof DomainError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) return new SchemaInputError(validationFields(fastifyError), schemaProblems(fastifyError), labels);
  const driver = fromDriverError(error);
  if (driver) return driver;
  const code = fastifyError?.code;
  if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET') return new DomainError('forbidden', 'The form has expired or did not come from this site. Refresh the page and try again.');
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return new DomainError('invalid_input', 'The request body is not valid JSON.', { fields: [{ field: 'body', reason: 'is not valid JSON' }] });
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new DomainError('invalid_input', 'The request body is empty.', { fields: [{ field: 'body', reason: 'is required' }] });
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new DomainError('payload_too_large', 'The request body is larger than this endpoint accepts.');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new DomainError('unsupported_media_type', 'This endpoint does not accept that content type.');
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const mapped = STATUS_TO_CODE[status] ?? 'invalid_input';
    const retry = status === 429 ? { retryAfterSeconds: 60 } : {};
    return new DomainError(mapped, ERROR_CATALOGUE[mapped].title, retry);
  }
  return new DomainError('internal');
}

export function problemDocument(error: DomainError, requestId: string): ProblemDocument {
  return {
    type: `urn:smartgov:problem:${error.code}`,
    title: ERROR_CATALOGUE[error.code].title,
    status: error.status,
    detail: error.code === 'internal' ? `Something went wrong. Quote reference ${requestId} if you contact us.` : error.message,
    code: error.code,
    ...(error.extra.fields?.length ? { errors: error.extra.fields } : {}),
    requestId,
  };
}

/** People get pages; programs (the API, or clients that do not accept HTML) get problem documents. */
export function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url.startsWith('/oidc/')) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

export interface ErrorPages {
  renderPage: (request: FastifyRequest, reply: FastifyReply, error: DomainError) => string;
  /** Where a person who must sign in is sent for this URL (undefined: show the error page). */
  signInPath: (request: FastifyRequest) => string | undefined;
}

export function registerErrorHandling(app: FastifyInstance, pages: ErrorPages): void {
  const respond = (error: DomainError, request: FastifyRequest, reply: FastifyReply) => {
    if (error.extra.retryAfterSeconds) reply.header('retry-after', String(error.extra.retryAfterSeconds));
    if (wantsHtml(request)) {
      const signIn = error.code === 'unauthenticated' && request.method === 'GET' ? pages.signInPath(request) : undefined;
      if (signIn) return reply.redirect(`${signIn}?return=${encodeURIComponent(request.url)}`, 303);
      return reply.status(error.status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(pages.renderPage(request, reply, error));
    }
    reply.status(error.status);
    return reply.type('application/problem+json; charset=utf-8').send(JSON.stringify(problemDocument(error, request.id)));
  };
  app.setErrorHandler((error, request, reply) => {
    const domainError = toDomainError(error, request.routeOptions?.config?.fieldLabels);
    if (domainError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: domainError.code, detail: domainError.message }, 'request refused');
    return respond(domainError, request, reply);
  });
  app.setNotFoundHandler((request, reply) => respond(new DomainError('not_found', `Nothing is found at ${request.method} ${request.url.split('?')[0]}.`), request, reply));
}

export const ProblemSchema = Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()), code: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))), requestId: Type.String(),
}, { description: 'RFC 9457 problem document' });
