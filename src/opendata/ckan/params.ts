import { ckanBadRequest, ckanInvalid } from './errors.ts';

// CKAN takes parameters from the query string (GET) or a JSON body (POST); values are strings in the
// first and may be any JSON in the second. These helpers read both the way CKAN's validators do.

export type Params = Record<string, unknown>;

export function readParams(query: Record<string, unknown>, body: unknown, contentType: string | undefined): Params {
  if (body === undefined || body === null || body === '') return { ...query };
  if (typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) return { ...query, ...(body as Params) };
  if (contentType?.startsWith('application/x-www-form-urlencoded')) return { ...query, ...Object.fromEntries(new URLSearchParams(String(body))) };
  throw ckanBadRequest('JSON Error: the request body must be a JSON object');
}

export function text(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return text({ [name]: value[value.length - 1] }, name);
  if (typeof value === 'object') throw ckanInvalid(name, 'Must be a string');
  return String(value);
}

/** A text parameter no longer than `max` characters: longer ones are refused (400) rather than searched or kept. */
export function boundedText(params: Params, name: string, max: number): string | undefined {
  const value = text(params, name);
  if (value !== undefined && value.length > max) throw ckanBadRequest(`${name} is longer than ${max} characters`);
  return value;
}

export function required(params: Params, name: string): string {
  const value = text(params, name);
  if (value === undefined) throw ckanInvalid(name, 'Missing value');
  return value;
}

export function integer(params: Params, name: string, fallback: number, max?: number): number {
  const value = text(params, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw ckanInvalid(name, 'Invalid integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw ckanInvalid(name, 'Invalid integer');
  return max === undefined ? n : Math.min(n, max);
}

export function bool(params: Params, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  return ['true', '1', 'yes', 'on'].includes(String(value).toLowerCase());
}

/** A JSON value given either as JSON (POST) or as a JSON string (GET), e.g. `filters={"district":"Sha Tin"}`. */
export function jsonValue(params: Params, name: string): unknown {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw ckanInvalid(name, 'Could not parse as valid JSON');
  }
}

/** A list given as a JSON list, a JSON string or a comma-separated string (CKAN accepts all three). */
export function list(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  const raw = String(value).trim();
  if (raw.startsWith('[')) {
    const parsed = jsonValue(params, name);
    if (!Array.isArray(parsed)) throw ckanInvalid(name, 'Must be a list');
    return parsed.map(String);
  }
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}
