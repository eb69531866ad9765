import type { Actor, CitizenActor } from '../platform/context.ts';
import { DomainError } from '../platform/errors.ts';

export function requireCitizen(actor: Actor | undefined): CitizenActor {
  if (actor?.kind !== 'citizen') throw new DomainError('unauthenticated', 'Sign in to your iAM Smart account to continue.');
  return actor;
}
