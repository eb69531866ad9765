import type { Locale } from './i18n/index.ts';

export const STAFF_ROLES = ['officer', 'approver', 'organisation_admin', 'platform_admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffActor {
  kind: 'staff';
  id: string;
  label: string;
  organisationId: string;
  roles: StaffRole[];
  sessionId: string;
}
export interface CitizenActor {
  kind: 'citizen'; id: string; label: string; organisationId: null;
  /** Set by identity's citizen session: the session (hashed id) and how strongly and when the person signed in. */
  sessionId?: string; acr?: string; amr?: string[]; authTime?: Date;
}
export interface ServiceActor { kind: 'service'; id: string; label: string; organisationId: string | null }
export interface SystemActor { kind: 'system'; id: null; label: string; organisationId: null }
export type Actor = StaffActor | CitizenActor | ServiceActor | SystemActor;

/** What a domain function needs to know about the request: who acts, for audit and authorization. */
export interface RequestContext {
  actor: Actor;
  requestId: string;
  locale: Locale;
}

export const systemActor = (label: string): SystemActor => ({ kind: 'system', id: null, label, organisationId: null });

export function systemContext(label: string, requestId = `cli-${Date.now()}`): RequestContext {
  return { actor: systemActor(label), requestId, locale: 'en' };
}
