// CKAN's error envelope: `error.__type` names the kind, and CKAN's HTTP statuses go with each kind.
// Scripts written against CKAN test these exact strings.

export type CkanErrorType = 'Not Found Error' | 'Validation Error' | 'Authorization Error' | 'Bad Request' | 'Search Query Error';

const STATUS: Record<CkanErrorType, number> = {
  'Not Found Error': 404,
  'Validation Error': 409,
  'Search Query Error': 409,
  'Authorization Error': 403,
  'Bad Request': 400,
};

export class CkanError extends Error {
  override name = 'CkanError';
  readonly status: number;
  constructor(readonly type: CkanErrorType, message: string, readonly fields: Record<string, string[]> = {}) {
    super(message);
    this.status = STATUS[type];
  }
  body(): Record<string, unknown> {
    return { __type: this.type, message: this.message, ...this.fields };
  }
}

export const ckanNotFound = (what = 'Not found') => new CkanError('Not Found Error', what);
/** CKAN puts each bad field beside `__type`, as a list of messages. */
export const ckanInvalid = (field: string, message: string) => new CkanError('Validation Error', `${field}: ${message}`, { [field]: [message] });
export const ckanBadRequest = (message: string) => new CkanError('Bad Request', `Bad request - ${message}`);

/** PostgreSQL "data exception" errors (SQLSTATE class 22, e.g. a NUL character in text) come from bad input. */
export const isBadValueError = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && /^22/.test((error as { code: string }).code);
