import type { TryAgain } from '../try-again.ts';

// CKAN's error envelope: `error.__type` names the kind, and CKAN's HTTP statuses go with each kind.
// Scripts written against CKAN test these exact strings.

export type CkanErrorType = 'Not Found Error' | 'Validation Error' | 'Authorization Error' | 'Bad Request' | 'Search Query Error' | 'Internal Error';

const STATUS: Record<CkanErrorType, number> = {
  'Not Found Error': 404,
  'Validation Error': 409,
  'Search Query Error': 409,
  'Authorization Error': 403,
  'Bad Request': 400,
  'Internal Error': 500,
};

export class CkanError extends Error {
  override name = 'CkanError';
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly type: CkanErrorType, message: string, readonly fields: Record<string, string[]> = {},
    /** A status other than the type's, and when the caller may try again (sent as Retry-After). */
    later?: { status: number; retryAfterSeconds: number },
  ) {
    super(message);
    this.status = later?.status ?? STATUS[type];
    this.retryAfterSeconds = later?.retryAfterSeconds;
  }
  body(): Record<string, unknown> {
    return { __type: this.type, message: this.message, ...this.fields };
  }
}

export const ckanNotFound = (what = 'Not found') => new CkanError('Not Found Error', what);
/** CKAN puts each bad field beside `__type`, as a list of messages. */
export const ckanInvalid = (field: string, message: string) => new CkanError('Validation Error', `${field}: ${message}`, { [field]: [message] });
export const ckanBadRequest = (message: string) => new CkanError('Bad Request', `Bad request - ${message}`);

/**
 * CKAN has no error for "not now": a request limit (429) or a database out of reach (503) keeps CKAN's envelope and
 * its nearest type, with the HTTP status and Retry-After that tell a script to wait rather than give up.
 */
export const ckanTryAgain = ({ status, seconds, message }: TryAgain) =>
  new CkanError(status === 429 ? 'Bad Request' : 'Internal Error', message, {}, { status, retryAfterSeconds: seconds });

/** PostgreSQL "data exception" errors (SQLSTATE class 22, e.g. a NUL character in text) come from bad input. */
export const isBadValueError = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && /^22/.test((error as { code: string }).code);
