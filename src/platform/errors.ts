// The one error catalogue: a stable code, its HTTP status, and a title safe to show anyone.
// Internal detail (driver messages, stacks) never leaves the server; see http/problem.ts.

export const ERROR_CATALOGUE = {
  invalid_input: { status: 400, title: 'The request has invalid input' },
  unauthenticated: { status: 401, title: 'You need to sign in' },
  forbidden: { status: 403, title: 'You are not allowed to do that' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  payload_too_large: { status: 413, title: 'The request is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  unavailable: { status: 503, title: 'The service is temporarily unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldError {
  /** Dotted path of the input field, e.g. `body.email`. */
  field: string;
  reason: string;
}

export class DomainError extends Error {
  override name = 'DomainError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    /** Shown to the caller: must be safe to read by anyone. */
    readonly detail?: string,
    readonly extra: { fields?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title);
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export const notFound = (what = 'The record') => new DomainError('not_found', `${what} was not found.`);
export const invalidInput = (fields: FieldError[], detail?: string) =>
  new DomainError('invalid_input', detail ?? fields.map((f) => `${f.field}: ${f.reason}`).join('; '), { fields });
export const conflict = (detail: string) => new DomainError('conflict', detail);
export const unauthenticated = () => new DomainError('unauthenticated');
export const rateLimited = (retryAfterSeconds: number, detail?: string) =>
  new DomainError('rate_limited', detail ?? `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });

// SQLSTATE classes and socket errors that mean "the database is not reachable right now". ENOENT only counts from
// connecting to a Unix socket (the embedded server's): a missing file anywhere else is not the database.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const unavailable = () => new DomainError('unavailable', 'The service is temporarily unavailable. Please try again shortly.', { retryAfterSeconds: 5 });
const unreachable = (code: string, syscall: unknown) => UNAVAILABLE_CODES.has(code) || code.startsWith('08') || (code === 'ENOENT' && syscall === 'connect');

/** The one boundary where driver errors become domain errors. Returns undefined for errors it does not know. */
export function fromDriverError(error: unknown): DomainError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (unreachable(code, (error as { syscall?: unknown }).syscall)) return unavailable();
    if (code === '23505') return conflict('A record with the same identifying details already exists.');
    if (code === '23503') return conflict('The record refers to something that does not exist or is still in use.');
    if (code === '22P02' || code === '22007' || code === '22008' || code === '22003') return invalidInput([], 'A value is not in the expected format.');
  }
  // pg-pool's own: no connection came free in time (every one busy): the caller may retry, as for an unreachable server.
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(error.message)) return unavailable();
  return undefined;
}

/** The verdict on a database that cannot be reached right now (fromDriverError's `unavailable`), if that is what `error` is. */
export function unreachableDatabase(error: unknown): DomainError | undefined {
  const domain = fromDriverError(error);
  return domain?.code === 'unavailable' ? domain : undefined;
}
