import { hash } from '@node-rs/argon2';
import { Type, type Static } from 'typebox';
import type { Db, Queryable } from '../platform/db/database.ts';
import { STAFF_ROLES, type RequestContext, type StaffRole } from '../platform/context.ts';
import { assertOrganisationRecord, hasRole, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, DomainError, invalidInput } from '../platform/errors.ts';
import * as store from './store.ts';

export const StaffRoleSchema = Type.Unsafe<StaffRole>({ type: 'string', enum: [...STAFF_ROLES] });
const Role = StaffRoleSchema;

export const StaffInput = Type.Object({
  email: Type.String({ format: 'email', maxLength: 254 }),
  displayName: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 12, maxLength: 256, description: 'At least 12 characters' }),
  roles: Type.Array(Role, { uniqueItems: true, maxItems: 4 }),
  organisationCode: Type.Optional(Type.String({ description: 'Platform admins only; defaults to your own organisation' })),
}, { additionalProperties: false });
export type StaffInput = Static<typeof StaffInput>;

export const Staff = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organisationId: Type.String({ format: 'uuid' }),
  email: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Role),
  disabled: Type.Boolean(),
});
export type Staff = Static<typeof Staff>;

export const presentStaff = (row: store.StaffRow): Staff => ({
  id: row.id, organisationId: row.organisation_id, email: row.email, displayName: row.display_name, roles: row.roles, disabled: row.disabled_at !== null,
});

export const hashPassword = (password: string) => hash(password);

/** An organisation admin manages their own organisation's staff; only a platform admin grants platform_admin. */
function assertMayGrant(ctx: RequestContext, roles: StaffRole[]): void {
  if (roles.includes('platform_admin') && !hasRole(ctx.actor, 'platform_admin')) {
    throw new DomainError('forbidden', 'Only a platform admin can grant the platform admin role.');
  }
}

export async function createStaff(db: Db, ctx: RequestContext, input: StaffInput): Promise<Staff> {
  const actor = requireRole(ctx.actor, 'organisation_admin', 'platform_admin');
  assertMayGrant(ctx, input.roles);
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    let organisationId = actor.organisationId;
    if (input.organisationCode) {
      const organisation = await store.organisationByCode(trx, input.organisationCode);
      if (!organisation || !(hasRole(actor, 'platform_admin') || organisation.id === actor.organisationId)) {
        throw invalidInput([{ field: 'body.organisationCode', reason: 'does not name an organisation you manage' }]);
      }
      organisationId = organisation.id;
    }
    const email = input.email.trim().toLowerCase();
    if (await store.staffByEmail(trx, email)) throw conflict('A staff account with this email address already exists.');
    const row = await store.insertStaff(trx, { organisation_id: organisationId, email, display_name: input.displayName.trim(), password_hash: passwordHash, roles: input.roles });
    await recordAudit(trx, ctx, { action: 'staff.created', recordType: 'staff_account', recordId: row.id, organisationId, detail: { roles: input.roles } });
    return presentStaff(row);
  });
}

export async function listStaff(db: Db, ctx: RequestContext, organisationId?: string): Promise<Staff[]> {
  const actor = requireRole(ctx.actor, 'organisation_admin', 'platform_admin');
  const target = organisationId ?? actor.organisationId;
  assertOrganisationRecord(actor, target, 'The organisation');
  return (await store.staffOfOrganisation(db, target)).map(presentStaff);
}

/** Another organisation's staff member is "not found", exactly like one who does not exist. */
export async function getStaff(db: Db, ctx: RequestContext, id: string): Promise<Staff> {
  const actor = requireRole(ctx.actor, 'organisation_admin', 'platform_admin');
  const row = await store.staffById(db, id);
  assertOrganisationRecord(actor, row?.organisation_id ?? null, 'The staff account');
  return presentStaff(row!);
}

export async function setStaffRoles(db: Db, ctx: RequestContext, id: string, roles: StaffRole[]): Promise<Staff> {
  const actor = requireRole(ctx.actor, 'organisation_admin', 'platform_admin');
  assertMayGrant(ctx, roles);
  return db.transaction().execute(async (trx) => {
    const row = await store.staffById(trx, id);
    assertOrganisationRecord(actor, row?.organisation_id ?? null, 'The staff account');
    if (row!.id === actor.id && !roles.includes('organisation_admin') && !roles.includes('platform_admin')) {
      throw conflict('You cannot remove your own administrator role; ask another administrator.');
    }
    await store.updateStaffRoles(trx, id, roles);
    await recordAudit(trx, ctx, { action: 'staff.roles_changed', recordType: 'staff_account', recordId: id, organisationId: row!.organisation_id, detail: { from: row!.roles, to: roles } });
    return presentStaff({ ...row!, roles });
  });
}

/** A staff member as other modules see them (an application's assignee, a department's caseworkers). */
export interface StaffMember { id: string; organisationId: string; displayName: string; roles: StaffRole[]; disabled: boolean }
const presentMember = (row: { id: string; organisation_id: string; display_name: string; roles: StaffRole[]; disabled_at: Date | null }): StaffMember => ({
  id: row.id, organisationId: row.organisation_id, displayName: row.display_name, roles: row.roles, disabled: row.disabled_at !== null,
});

/** An organisation's staff, disabled ones too, by name. No authorization here: the caller has checked who may see them. */
export async function listStaffMembers(db: Queryable, organisationId: string): Promise<StaffMember[]> {
  return (await store.staffMembersOf(db, organisationId)).map(presentMember);
}

/** One staff member, whatever their organisation; undefined if there is none. The caller checks the organisation. */
export async function getStaffMember(db: Queryable, id: string): Promise<StaffMember | undefined> {
  const row = await store.staffMemberById(db, id);
  return row && presentMember(row);
}
