// The officers' queue over HTTP: filters by service, status, pledge due date and assignee (a GET form), and assigning
// an application to oneself or a colleague of the department, with its refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';
import { buildServiceWithForm, startApplicationAsNewCitizen } from '../../test/support/services-factories.ts';
import type { StaffRole } from '../platform/context.ts';
import type { FormDefinition } from './form-definition.ts';

const FORM: FormDefinition = { steps: [{ id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true }] }] } as FormDefinition;

let t: TestApp;
let admin: Client;
let officer: Client;
let colleague: Client;
let outsider: Client;
let officerId: string;
let colleagueId: string;
let outsiderId: string;
let serviceX: string;
/** Overdue (service X), due within days (service X), due in weeks (service Y). */
let overdue: { id: string; citizen: Client };
let soon: { id: string; citizen: Client };
let later: { id: string; citizen: Client };

async function submitted(slug: string, daysAgo = 0) {
  const { citizen, id } = await startApplicationAsNewCitizen(t.app, t.db, slug);
  await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
  assert.equal((await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {})).statusCode, 303);
  if (daysAgo) await t.db.updateTable('applications').set({ submitted_at: new Date(Date.now() - daysAgo * 86_400_000) }).where('id', '=', id).execute();
  return { id, citizen };
}
const referenceOf = async (id: string) => (await t.db.selectFrom('applications').select('reference').where('id', '=', id).executeTakeFirstOrThrow()).reference;
const assigneeOf = async (id: string) => (await t.db.selectFrom('applications').select('assignee_id').where('id', '=', id).executeTakeFirstOrThrow()).assignee_id;
/** The references the queue lists for these filters, in its order. */
async function listed(client: Client, query: string) {
  const page = await client.get(`/console/applications?${query}`);
  assert.equal(page.statusCode, 200);
  return [...page.body.matchAll(/href="\/console\/applications\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
}

before(async () => {
  t = await createTestApp();
  const organisationId = (await buildOrganisation(t.db)).id;
  const sign = async (roles: StaffRole[], name: string, orgId = organisationId) => {
    const staff = await buildStaff(t.db, { organisationId: orgId, roles, name });
    return { client: await signInStaff(t.app, staff.email, staff.password), id: staff.id };
  };
  const other = (await buildOrganisation(t.db)).id;
  const [a, o, c, x] = await Promise.all([sign(['organisation_admin'], 'Ada Admin'), sign(['officer'], 'Olive Officer'), sign(['officer'], 'Colin Colleague'), sign(['officer', 'approver'], 'Otto Outsider', other)]);
  [admin, officer, colleague, outsider] = [a.client, o.client, c.client, x.client];
  [officerId, colleagueId, outsiderId] = [o.id, c.id, x.id];
  const x1 = await buildServiceWithForm(t.db, FORM, { organisationId, nameEn: 'Service X' });
  const y1 = await buildServiceWithForm(t.db, FORM, { organisationId, nameEn: 'Service Y' });
  serviceX = x1.service.id;
  await t.db.updateTable('services').set({ pledge_working_days: 30 }).where('id', '=', y1.service.id).execute();
  overdue = await submitted(x1.service.slug, 30);
  soon = await submitted(x1.service.slug);
  later = await submitted(y1.service.slug);
});
after(async () => { await t.close(); });

describe('the queue filters', () => {
  test('lists everything by pledge due date, earliest first', async () => {
    assert.deepEqual(await listed(officer, ''), [overdue.id, soon.id, later.id]);
  });
  test('by service: only the department\'s services are offered', async () => {
    const page = await officer.get('/console/applications');
    assert.match(page.body, /<option value="[0-9a-f-]{36}"[^>]*>Service X<\/option>/);
    assert.deepEqual(await listed(officer, `service=${serviceX}`), [overdue.id, soon.id]);
  });
  test('by pledge due: overdue, due within 5 working days', async () => {
    assert.deepEqual(await listed(officer, 'pledge=overdue'), [overdue.id]);
    assert.deepEqual(await listed(officer, 'pledge=soon'), [soon.id]);
    assert.deepEqual(await listed(officer, 'pledge='), [overdue.id, soon.id, later.id]);
  });
  test('by status', async () => {
    assert.equal((await officer.submit(`/console/applications/${later.id}`, `/console/applications/${later.id}/recommend`, {})).statusCode, 303);
    assert.deepEqual(await listed(officer, 'status=recommended'), [later.id]);
    assert.deepEqual(await listed(officer, 'status=submitted'), [overdue.id, soon.id]);
  });
  test('a filter the form does not offer is refused', async () => {
    assert.equal((await officer.get('/console/applications?pledge=someday')).statusCode, 400);
    assert.equal((await officer.get('/console/applications?assignee=bob')).statusCode, 400);
  });
});

describe('assignment', () => {
  test('an officer takes an application: shown on its page, in its history, audited, and in the queue by assignee', async () => {
    const taken = await officer.submit(`/console/applications/${overdue.id}`, `/console/applications/${overdue.id}/assign`, { assignee: 'me' });
    assert.equal(taken.statusCode, 303);
    assert.equal(await assigneeOf(overdue.id), officerId);
    const page = (await officer.get(`/console/applications/${overdue.id}`)).body;
    assert.match(page, /Assigned to Olive Officer/);
    assert.match(page, /<strong>Assigned<\/strong>/);
    const audit = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'application.assigned').where('record_id', '=', overdue.id).execute();
    assert.equal(audit.length, 1);
    assert.doesNotMatch((await overdue.citizen.get(`/applications/${overdue.id}`)).body, /Assigned/, 'the applicant does not see internal assignment');
    assert.deepEqual(await listed(officer, 'assignee=me'), [overdue.id]);
    assert.deepEqual(await listed(colleague, 'assignee=me'), []);
    assert.deepEqual(await listed(officer, 'assignee=none'), [soon.id, later.id]);
    assert.deepEqual(await listed(admin, `assignee=${officerId}`), [overdue.id]);
    assert.match((await officer.get('/console/applications')).body, new RegExp(`${await referenceOf(overdue.id)}</a></td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>Olive Officer`));
  });

  test('an organisation admin assigns it to a colleague of the department', async () => {
    const assigned = await admin.submit(`/console/applications/${soon.id}`, `/console/applications/${soon.id}/assign`, { assignee: colleagueId });
    assert.equal(assigned.statusCode, 303);
    assert.equal(await assigneeOf(soon.id), colleagueId);
    assert.deepEqual(await listed(colleague, 'assignee=me&pledge=soon'), [soon.id]);
  });

  test('assigning to someone outside the department is refused, naming the field', async () => {
    const refused = await admin.submit(`/console/applications/${later.id}`, `/console/applications/${later.id}/assign`, { assignee: outsiderId });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /href="#field-assignee"/);
    assert.match(refused.body, /Choose an officer or approver of this department/);
    assert.equal(await assigneeOf(later.id), null);
    const token = /name="_csrf" value="([^"]+)"/.exec((await admin.get(`/console/applications/${later.id}`)).body)![1]!;
    const api = await admin.request({ method: 'POST', url: `/console/applications/${later.id}/assign`, payload: new URLSearchParams({ assignee: outsiderId, _csrf: token }).toString(), headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(api.statusCode, 400);
    assert.equal(api.json().errors?.[0]?.field, 'assignee');
  });

  test('a plain officer cannot hand an application to someone else', async () => {
    const refused = await officer.submit(`/console/applications/${later.id}`, `/console/applications/${later.id}/assign`, { assignee: colleagueId });
    assert.equal(refused.statusCode, 403);
    assert.equal(await assigneeOf(later.id), null);
  });

  test('another department\'s staff get not-found', async () => {
    assert.equal((await outsider.get(`/console/applications/${later.id}`)).statusCode, 404);
    const refused = await outsider.submit('/console/applications', `/console/applications/${later.id}/assign`, { assignee: 'me' });
    assert.equal(refused.statusCode, 404);
    assert.equal(await assigneeOf(later.id), null);
    assert.deepEqual(await listed(outsider, ''), []);
  });

  test('a citizen is refused', async () => {
    const refused = await later.citizen.submit(`/applications/${later.id}`, `/console/applications/${later.id}/assign`, { assignee: 'me' });
    assert.ok(refused.statusCode >= 400 && refused.statusCode < 500, `refused with ${refused.statusCode}`);
    assert.equal(await assigneeOf(later.id), null);
  });

  test('the assignee unassigns; the history shows it', async () => {
    const given = await officer.submit(`/console/applications/${overdue.id}`, `/console/applications/${overdue.id}/assign`, { assignee: '' });
    assert.equal(given.statusCode, 303);
    assert.equal(await assigneeOf(overdue.id), null);
    assert.match((await officer.get(`/console/applications/${overdue.id}`)).body, /<strong>Unassigned<\/strong>/);
    assert.deepEqual(await listed(officer, 'assignee=me'), []);
  });

  test('a colleague disabled since being assigned is still named in the queue, and no longer offered', async () => {
    assert.equal((await admin.submit(`/console/applications/${later.id}`, `/console/applications/${later.id}/assign`, { assignee: colleagueId })).statusCode, 303);
    await t.db.updateTable('staff_accounts').set({ disabled_at: new Date() }).where('id', '=', colleagueId).execute();
    try {
      const queue = (await admin.get('/console/applications')).body;
      assert.match(queue, new RegExp(`${await referenceOf(later.id)}</a></td><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td>Colin Colleague`));
      assert.doesNotMatch(queue, new RegExp(`<option value="${colleagueId}"`), 'not a filter choice');
      assert.doesNotMatch((await admin.get(`/console/applications/${later.id}`)).body, new RegExp(`<option value="${colleagueId}"`), 'not offered to assign');
      const refused = await admin.submit(`/console/applications/${soon.id}`, `/console/applications/${soon.id}/assign`, { assignee: colleagueId });
      assert.equal(refused.statusCode, 400);
    } finally {
      await t.db.updateTable('staff_accounts').set({ disabled_at: null }).where('id', '=', colleagueId).execute();
    }
  });
});
