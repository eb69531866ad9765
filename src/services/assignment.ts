import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { hasRole, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, DomainError, invalidInput } from '../platform/errors.ts';
import { listStaffMembers } from '../organisations/index.ts';
import { getOrganisationApplication } from './application.ts';
import * as store from './store.ts';

/** The department's colleagues who can work an application (officers and approvers, not disabled), by name. */
async function caseworkersOf(db: Db, organisationId: string): Promise<{ id: string; display_name: string }[]> {
  return (await listStaffMembers(db, organisationId))
    .filter((m) => !m.disabled && (m.roles.includes('officer') || m.roles.includes('approver')))
    .map((m) => ({ id: m.id, display_name: m.displayName }));
}

/** Who to assign: the signed-in officer themself, a colleague by id, or nobody (unassign). */
export type AssignTo = { me: true } | { staffId: string } | null;

/** Officers and approvers take an application themselves; organisation admins and approvers hand it to a colleague of
 * the department, and may take it off anyone; an assignee may give theirs back. Another department's is "not found". */
export async function assignApplication(db: Db, ctx: RequestContext, id: string, to: AssignTo) {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  const view = await getOrganisationApplication(db, ctx, id);
  const a = view.application;
  const assigns = hasRole(staff, 'organisation_admin') || hasRole(staff, 'approver');
  const target = to === null ? null : 'me' in to ? staff.id : to.staffId;
  const mayWork = hasRole(staff, 'officer') || hasRole(staff, 'approver');
  const allowed = target === null ? assigns || a.assignee_id === staff.id : target === staff.id ? mayWork : assigns;
  if (!allowed) throw new DomainError('forbidden', 'Your role does not allow assigning this application to someone else.');
  if (!store.OPEN_STATUSES.includes(a.status) && a.status !== 'payment_due') throw conflict('This application is decided or withdrawn; there is nothing left to assign.');
  const colleague = target === null ? undefined : (await caseworkersOf(db, a.organisation_id)).find((c) => c.id === target);
  if (target !== null && !colleague) throw invalidInput([{ field: 'assignee', reason: 'not_in_department' }], 'Choose an officer or approver of the department.');
  return db.transaction().execute(async (trx) => {
    const row = await store.setAssignee(trx, a.id, a.version, target);
    if (!row) throw conflict('The application has moved on since you opened it. Reload it to see where it is now.');
    await store.addEvent(trx, { application_id: row.id, actor_kind: ctx.actor.kind, actor_label: ctx.actor.label, kind: target ? 'assigned' : 'unassigned', message: colleague?.display_name ?? null });
    await recordAudit(trx, ctx, { action: 'application.assigned', recordType: 'application', recordId: row.id, organisationId: row.organisation_id, detail: { from: a.assignee_id, to: target } });
    return row;
  });
}

/** The colleagues an application of this department can be assigned to. */
export async function caseworkers(db: Db, ctx: RequestContext) {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  return caseworkersOf(db, staff.organisationId);
}

/** What the queue's filters offer: the department's services and its colleagues who work applications. */
export async function queueChoices(db: Db, ctx: RequestContext) {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  const [services, colleagues] = await Promise.all([store.servicesOfOrganisation(db, staff.organisationId), caseworkersOf(db, staff.organisationId)]);
  return { services, colleagues };
}
