import type { Generated, Insertable, Selectable } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';
import type { StaffRole } from '../platform/context.ts';

export type OrganisationKind = 'bureau' | 'department' | 'public_body' | 'platform';

interface OrganisationsTable {
  id: Generated<string>;
  code: string;
  kind: OrganisationKind;
  parent_id: string | null;
  name_en: string;
  name_zh_hk: string;
  name_zh_cn: string;
  created_at: Generated<Date>;
}
interface StaffAccountsTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  display_name: string;
  password_hash: string;
  roles: StaffRole[];
  disabled_at: Date | null;
  created_at: Generated<Date>;
}
interface StaffSessionsTable {
  id_hash: string;
  staff_id: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  address: string | null;
}

declare module '../platform/db/schema.ts' {
  interface Database {
    organisations: OrganisationsTable;
    staff_accounts: StaffAccountsTable;
    staff_sessions: StaffSessionsTable;
  }
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type StaffRow = Selectable<StaffAccountsTable>;

export const listOrganisations = (db: Queryable) => db.selectFrom('organisations').selectAll().orderBy('code').execute();
export const organisationByCode = (db: Queryable, code: string) =>
  db.selectFrom('organisations').selectAll().where('code', '=', code).executeTakeFirst();
export const organisationById = (db: Queryable, id: string) =>
  db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
export const countOrganisations = async (db: Queryable) =>
  Number((await db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

export async function insertOrganisation(db: Queryable, row: Insertable<OrganisationsTable>): Promise<OrganisationRow> {
  return db.insertInto('organisations').values(row).returningAll().executeTakeFirstOrThrow();
}

export const staffByEmail = (db: Queryable, email: string) =>
  db.selectFrom('staff_accounts').selectAll().where('email', '=', email).executeTakeFirst();
export const staffById = (db: Queryable, id: string) =>
  db.selectFrom('staff_accounts').selectAll().where('id', '=', id).executeTakeFirst();
export const staffOfOrganisation = (db: Queryable, organisationId: string) =>
  db.selectFrom('staff_accounts').selectAll().where('organisation_id', '=', organisationId).orderBy('display_name').execute();

/** Colleagues as other modules see them: names and roles, nothing to sign in with. */
const memberColumns = ['id', 'organisation_id', 'display_name', 'roles', 'disabled_at'] as const;
export const staffMembersOf = (db: Queryable, organisationId: string) =>
  db.selectFrom('staff_accounts').select(memberColumns).where('organisation_id', '=', organisationId).orderBy('display_name').execute();
export const staffMemberById = (db: Queryable, id: string) =>
  db.selectFrom('staff_accounts').select(memberColumns).where('id', '=', id).executeTakeFirst();

export async function insertStaff(db: Queryable, row: Insertable<StaffAccountsTable>): Promise<StaffRow> {
  return db.insertInto('staff_accounts').values(row).returningAll().executeTakeFirstOrThrow();
}
export async function updateStaffRoles(db: Queryable, id: string, roles: StaffRole[]): Promise<void> {
  await db.updateTable('staff_accounts').set({ roles }).where('id', '=', id).execute();
}

export async function insertSession(db: Queryable, row: Insertable<StaffSessionsTable>): Promise<void> {
  await db.insertInto('staff_sessions').values(row).execute();
}

/** A live session with its account: not expired, not idle too long, account not disabled. */
export async function liveSession(db: Queryable, idHash: string, idleMinutes: number) {
  return db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff_accounts as a', 'a.id', 's.staff_id')
    .select(['s.id_hash', 's.last_seen_at', 'a.id', 'a.organisation_id', 'a.display_name', 'a.roles', 'a.email'])
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', new Date())
    .where('s.last_seen_at', '>', new Date(Date.now() - idleMinutes * 60_000))
    .where('a.disabled_at', 'is', null)
    .executeTakeFirst();
}
export async function deleteExpiredSessions(db: Queryable): Promise<void> {
  await db.deleteFrom('staff_sessions').where('expires_at', '<', new Date()).execute();
}
