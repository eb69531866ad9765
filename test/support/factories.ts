import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/platform/db/database.ts';
import type { StaffRole } from '../../src/platform/context.ts';
import { hashPassword } from '../../src/organisations/index.ts';
import * as store from '../../src/organisations/store.ts';
import { signInStaff, type Client, type TestApp } from './app.ts';

// Factories create what a test needs, with any missing parents, and nothing else.
export const TEST_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

const uniqueCode = () => `T${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;

export async function buildOrganisation(db: Db, overrides: Partial<{ code: string; kind: store.OrganisationKind; name: string }> = {}) {
  const code = overrides.code ?? uniqueCode();
  const name = overrides.name ?? `Test Department ${code}`;
  return store.insertOrganisation(db, { code, kind: overrides.kind ?? 'department', parent_id: null, name_en: name, name_zh_hk: `測試部門 ${code}`, name_zh_cn: `测试部门 ${code}` });
}

export async function buildStaff(db: Db, overrides: Partial<{ organisationId: string; roles: StaffRole[]; email: string; name: string }> = {}) {
  const organisationId = overrides.organisationId ?? (await buildOrganisation(db)).id;
  const email = overrides.email ?? `staff-${randomUUID().slice(0, 8)}@test.gov.hk`;
  const row = await store.insertStaff(db, {
    organisation_id: organisationId, email, display_name: overrides.name ?? `Staff ${email}`,
    password_hash: await (passwordHash ??= hashPassword(TEST_PASSWORD)), roles: overrides.roles ?? ['officer'],
  });
  return { ...row, password: TEST_PASSWORD };
}

/** A new member of `organisationId` with these roles, signed in to the console (how most console tests start). */
export async function signedInStaff(t: TestApp, organisationId: string, roles: StaffRole[], name?: string): Promise<Client> {
  const staff = await buildStaff(t.db, { organisationId, roles, ...(name === undefined ? {} : { name }) });
  return signInStaff(t.app, staff.email, staff.password);
}
