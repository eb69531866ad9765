import { toDomainError } from '../platform/http/problem.ts';

/** A call refused for now, not for what it asked: each open data API answers it in its own envelope, with Retry-After. */
export interface TryAgain { status: 429 | 503; seconds: number; message: string }

/** Whether `error` means "not now": over the per-address request limit, or a database out of reach for a moment. */
export function tryAgainLater(error: unknown): TryAgain | undefined {
  const domain = toDomainError(error);
  const seconds = domain.extra.retryAfterSeconds ?? 60;
  if (domain.code === 'unavailable') return { status: 503, seconds, message: `The catalogue cannot be reached for a moment: try again in ${seconds} seconds` };
  if (domain.status === 429) return { status: 429, seconds, message: `Too many requests: try again in ${seconds} seconds` };
  return undefined;
}
