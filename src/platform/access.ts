import type { Actor, CitizenActor, StaffActor, StaffRole } from './context.ts';
import { DomainError, notFound } from './errors.ts';

// Authorization in one place. Records of another organisation are answered as "not found",
// so that a caller cannot learn that they exist.

export function isStaff(actor: Actor | undefined): actor is StaffActor {
  return actor?.kind === 'staff';
}

export function hasRole(actor: Actor | undefined, role: StaffRole): boolean {
  return isStaff(actor) && actor.roles.includes(role);
}

export function requireStaff(actor: Actor | undefined): StaffActor {
  if (!isStaff(actor)) throw new DomainError('unauthenticated', 'Sign in to the staff console to continue.');
  return actor;
}

/** Requires at least one of the roles; a signed-in officer without it is refused (403): the route itself is no secret. */
export function requireRole(actor: Actor | undefined, ...roles: StaffRole[]): StaffActor {
  const staff = requireStaff(actor);
  if (!roles.some((r) => staff.roles.includes(r))) throw new DomainError('forbidden', 'Your role does not allow this.');
  return staff;
}

/** Staff see their own organisation's records; platform admins see every organisation's. */
export function canSeeOrganisation(actor: Actor | undefined, organisationId: string | null): boolean {
  if (!isStaff(actor)) return false;
  return actor.roles.includes('platform_admin') || actor.organisationId === organisationId;
}

export function assertOrganisationRecord(actor: Actor | undefined, organisationId: string | null, what = 'The record'): void {
  if (!canSeeOrganisation(actor, organisationId)) throw notFound(what);
}

export function requireCitizen(actor: Actor | undefined): CitizenActor {
  if (actor?.kind !== 'citizen') throw new DomainError('unauthenticated', 'Sign in to your iAM Smart account to continue.');
  return actor;
}
