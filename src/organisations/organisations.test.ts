import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';
import type { StaffRole } from '../platform/context.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

describe('staff sign-in', () => {
  test('a staff member signs in, reaches the console and signs out', async () => {
    const staff = await buildStaff(t.db, { roles: ['officer'] });
    const client = await signInStaff(t.app, staff.email, staff.password);
    const home = await client.get('/console');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, new RegExp(staff.display_name));
    const out = await client.submit('/console', '/console/sign-out', {});
    assert.equal(out.statusCode, 303);
    const again = await client.get('/console');
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, '/console/sign-in?return=%2Fconsole');
  });

  test('a wrong password and an unknown account get the same answer', async () => {
    const staff = await buildStaff(t.db);
    const wrong = await new Client(t.app).submit('/console/sign-in', '/console/sign-in', { email: staff.email, password: 'not the password' });
    const unknown = await new Client(t.app).submit('/console/sign-in', '/console/sign-in', { email: 'nobody@test.gov.hk', password: 'not the password' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.match(wrong.body, /The email address or password is not right/);
    assert.match(unknown.body, /The email address or password is not right/);
  });

  test('empty fields are named in an error summary', async () => {
    const response = await new Client(t.app).submit('/console/sign-in', '/console/sign-in', { email: '', password: '' });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /class="error-summary"/);
    assert.match(response.body, /href="#field-email"/);
    assert.match(response.body, /href="#field-password"/);
  });

  test('a form without its CSRF token is refused', async () => {
    const staff = await buildStaff(t.db);
    const response = await t.app.inject({ method: 'POST', url: '/console/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: `email=${encodeURIComponent(staff.email)}&password=${encodeURIComponent(staff.password)}` });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /Your form expired/);
  });

  test('repeated failures from one address are slowed for that account, while its owner elsewhere still gets in', async () => {
    const staff = await buildStaff(t.db);
    const attempt = (password: string) => new Client(t.app).submit('/console/sign-in', '/console/sign-in', { email: staff.email, password });
    for (let i = 0; i < 5; i++) assert.equal((await attempt('wrong password!')).statusCode, 401);
    const blocked = await attempt(staff.password);
    assert.equal(blocked.statusCode, 429, 'the right password from the attacking address is throttled too');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    // Every inject() comes from 127.0.0.1, so the owner's own address is given to the domain function directly.
    const { signIn } = await import('./session.ts');
    const result = await signIn(t.db, t.config, { email: staff.email, password: staff.password, address: '198.51.100.7', requestId: 'test' });
    assert.equal(result.actor.id, staff.id);
  });

  test('a redirect after sign-in never leaves the site', async () => {
    const staff = await buildStaff(t.db);
    const client = new Client(t.app);
    const response = await client.submit('/console/sign-in?return=//evil.example', '/console/sign-in', { email: staff.email, password: staff.password, return: '//evil.example/' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/console');
  });
});

describe('page errors name the form\'s fields', () => {
  test('input the schema refuses on the sign-in and add-staff pages is named by the field\'s label, in Traditional Chinese', async () => {
    const visitor = new Client(t.app);
    visitor.cookies.set('lang', 'zh-HK');
    const signIn = await visitor.submit('/console/sign-in', '/console/sign-in', { email: `${'x'.repeat(250)}@test.gov.hk`, password: 'whatever it is' });
    assert.equal(signIn.statusCode, 400);
    assert.ok(signIn.body.includes('「工作電郵地址」不可超過 254 個字元'), 'the sign-in form\'s label');
    assert.doesNotMatch(signIn.body, /欄位「email」/);

    const organisation = await buildOrganisation(t.db);
    const staff = await buildStaff(t.db, { organisationId: organisation.id, roles: ['organisation_admin'] });
    const admin = await signInStaff(t.app, staff.email, staff.password);
    admin.cookies.set('lang', 'zh-HK');
    const page = `/console/organisations/${organisation.code}`;
    const added = await admin.submit(page, `${page}/staff`, { displayName: 'x'.repeat(201), email: 'new@test.gov.hk', password: 'a long enough password', roles: 'officer' });
    assert.equal(added.statusCode, 400);
    assert.ok(added.body.includes('「全名」不可超過 200 個字元'), 'the add-staff form\'s label');
    assert.doesNotMatch(added.body, /欄位「displayName」/);
    const count = await t.db.selectFrom('staff_accounts').select('id').where('email', '=', 'new@test.gov.hk').execute();
    assert.equal(count.length, 0, 'nobody added');
  });
});

describe('organisations and staff API', () => {
  test('anyone can list organisations', async () => {
    const organisation = await buildOrganisation(t.db);
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/organisations/${organisation.code}` });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().name['zh-HK'], organisation.name_zh_hk);
  });

  test('only platform admins create organisations; bad input names the field', async () => {
    const officer = await signInStaff(t.app, ...(await credentials(['organisation_admin'])));
    const refused = await officer.json('POST', '/api/v1/organisations', { code: 'NEWD', kind: 'department', nameEn: 'New', nameZhHk: '新部門' });
    assert.equal(refused.statusCode, 403);
    const admin = await signInStaff(t.app, ...(await credentials(['platform_admin'])));
    const bad = await admin.json('POST', '/api/v1/organisations', { code: 'lower', kind: 'department', nameEn: '', nameZhHk: '新部門' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    const fields = bad.json().errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['body.code', 'body.nameEn']);
    const created = await admin.json('POST', '/api/v1/organisations', { code: 'NEWD', kind: 'department', nameEn: 'New Department', nameZhHk: '新部門' });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().name['zh-CN'], '新部门');
    const again = await admin.json('POST', '/api/v1/organisations', { code: 'NEWD', kind: 'department', nameEn: 'New Department', nameZhHk: '新部門' });
    assert.equal(again.statusCode, 409);
  });

  test("another department's staff are answered exactly as if they did not exist", async () => {
    const mine = await buildOrganisation(t.db);
    const theirs = await buildOrganisation(t.db);
    const admin = await buildStaff(t.db, { organisationId: mine.id, roles: ['organisation_admin'] });
    const colleague = await buildStaff(t.db, { organisationId: mine.id });
    const stranger = await buildStaff(t.db, { organisationId: theirs.id });
    const client = await signInStaff(t.app, admin.email, admin.password);
    assert.equal((await client.json('GET', `/api/v1/staff/${colleague.id}`)).statusCode, 200);
    const foreign = await client.json('GET', `/api/v1/staff/${stranger.id}`);
    const missing = await client.json('GET', '/api/v1/staff/00000000-0000-4000-8000-000000000000');
    assert.equal(foreign.statusCode, 404);
    assert.equal(missing.statusCode, 404);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    assert.deepEqual(strip(foreign.json()), strip(missing.json()));
    assert.equal((await client.json('GET', `/api/v1/organisations/${theirs.code}/staff`)).statusCode, 404);
    assert.equal((await client.json('PUT', `/api/v1/staff/${stranger.id}/roles`, { roles: ['approver'] })).statusCode, 404);
    assert.equal((await client.get(`/console/organisations/${theirs.code}`)).statusCode, 404);
  });

  test('an organisation admin creates staff in their organisation but cannot grant platform admin', async () => {
    const admin = await signInStaff(t.app, ...(await credentials(['organisation_admin'])));
    const created = await admin.json('POST', '/api/v1/staff', { email: 'New.Officer@Test.gov.hk', displayName: 'New Officer', password: 'a long enough password', roles: ['officer'] });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().email, 'new.officer@test.gov.hk');
    const escalate = await admin.json('POST', '/api/v1/staff', { email: 'x@test.gov.hk', displayName: 'X', password: 'a long enough password', roles: ['platform_admin'] });
    assert.equal(escalate.statusCode, 403);
    const shortPassword = await admin.json('POST', '/api/v1/staff', { email: 'y@test.gov.hk', displayName: 'Y', password: 'short', roles: ['officer'] });
    assert.equal(shortPassword.statusCode, 400);
    assert.equal(shortPassword.json().errors[0].field, 'body.password');
  });

  test('officers cannot manage staff; visitors must sign in', async () => {
    const officer = await signInStaff(t.app, ...(await credentials(['officer'])));
    assert.equal((await officer.json('POST', '/api/v1/staff', { email: 'z@test.gov.hk', displayName: 'Z', password: 'a long enough password', roles: ['officer'] })).statusCode, 403);
    const visitor = await t.app.inject({ method: 'GET', url: '/api/v1/staff/00000000-0000-4000-8000-000000000000' });
    assert.equal(visitor.statusCode, 401);
  });
});

async function credentials(roles: StaffRole[]): Promise<[string, string]> {
  const staff = await buildStaff(t.db, { roles });
  return [staff.email, staff.password];
}

describe('staff sessions', () => {
  test('a session ends after the idle limit, and its cookie is then worthless', async () => {
    const staff = await buildStaff(t.db);
    const client = await signInStaff(t.app, staff.email, staff.password);
    assert.equal((await client.get('/console')).statusCode, 200);
    await t.db.updateTable('staff_sessions').set({ last_seen_at: new Date(Date.now() - 31 * 60_000) }).where('staff_id', '=', staff.id).execute();
    assert.equal((await client.get('/console')).statusCode, 303);
    assert.equal((await client.json('GET', `/api/v1/staff/${staff.id}`)).statusCode, 401);
  });

  test('a session ends at its absolute limit however active it is', async () => {
    const staff = await buildStaff(t.db);
    const client = await signInStaff(t.app, staff.email, staff.password);
    await t.db.updateTable('staff_sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('staff_id', '=', staff.id).execute();
    assert.equal((await client.get('/console')).statusCode, 303);

    await signInStaff(t.app, staff.email, staff.password);
    const left = await t.db.selectFrom('staff_sessions').select('expires_at').where('staff_id', '=', staff.id).execute();
    assert.equal(left.length, 1, 'the next sign-in sweeps the expired session away');
    assert.ok(left[0]!.expires_at > new Date());
  });

  test('only a hash of the session id is stored', async () => {
    const staff = await buildStaff(t.db);
    const client = await signInStaff(t.app, staff.email, staff.password);
    const rows = await t.db.selectFrom('staff_sessions').select('id_hash').where('staff_id', '=', staff.id).execute();
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]!.id_hash, client.cookies.get('sg_staff'));
    assert.match(rows[0]!.id_hash, /^[0-9a-f]{64}$/);
  });
});

describe('managing staff in the console', () => {
  test('an organisation admin adds a colleague and changes their roles; mistakes are named', async () => {
    const organisation = await buildOrganisation(t.db);
    const admin = await buildStaff(t.db, { organisationId: organisation.id, roles: ['organisation_admin'] });
    const client = await signInStaff(t.app, admin.email, admin.password);
    const page = `/console/organisations/${organisation.code}`;
    assert.doesNotMatch((await client.get(page)).body, /value="platform_admin"/, 'only platform admins may grant platform admin');

    const bad = await client.submit(page, `${page}/staff`, { displayName: '', email: 'not-an-email', password: 'short' });
    assert.equal(bad.statusCode, 400);
    for (const field of ['displayName', 'email', 'password', 'roles']) assert.match(bad.body, new RegExp(`href="#field-${field}"`), field);

    const added = await client.submit(page, `${page}/staff`, { displayName: 'Wong Siu Ming', email: 'wong@test.gov.hk', password: 'a long first password', roles: 'officer' });
    assert.equal(added.statusCode, 303);
    const wong = await signInStaff(t.app, 'wong@test.gov.hk', 'a long first password');
    assert.equal((await wong.get('/console')).statusCode, 200);
    const again = await client.submit(page, `${page}/staff`, { displayName: 'Wong again', email: 'wong@test.gov.hk', password: 'a long first password', roles: 'officer' });
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /already exists/);

    const member = await t.db.selectFrom('staff_accounts').select('id').where('email', '=', 'wong@test.gov.hk').executeTakeFirstOrThrow();
    const body = new URLSearchParams([['roles', 'officer'], ['roles', 'approver'], ['_csrf', (await client.get(page)).body.match(/name="_csrf" value="([^"]+)"/)![1]!]]).toString();
    const changed = await client.request({ method: 'POST', url: `/console/staff/${member.id}/roles`, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(changed.statusCode, 303);
    const roles = await t.db.selectFrom('staff_accounts').select('roles').where('id', '=', member.id).executeTakeFirstOrThrow();
    assert.deepEqual(roles.roles.sort(), ['approver', 'officer']);

    const outsider = await buildStaff(t.db, { roles: ['organisation_admin'] });
    const other = await signInStaff(t.app, outsider.email, outsider.password);
    assert.equal((await other.get(page)).statusCode, 404);
    assert.equal((await other.submit('/console', `/console/staff/${member.id}/roles`, { roles: 'approver' })).statusCode, 404);
    assert.equal((await wong.get(page)).statusCode, 403, 'officers do not manage staff');
  });
});
