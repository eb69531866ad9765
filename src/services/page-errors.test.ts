// Input a page's schema refuses is named on the error page by the form's label, as its page shows it, never by the
// field's code name (the platform's wording: src/ui/input-problems.ts); here in Traditional Chinese.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestApp, signInStaff, type Client, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';
import { uniqueSlug } from '../../test/support/services-factories.ts';

let t: TestApp;
let admin: Client;
let serviceId: string;
before(async () => {
  t = await createTestApp();
  const organisation = await buildOrganisation(t.db);
  const staff = await buildStaff(t.db, { organisationId: organisation.id, roles: ['organisation_admin', 'officer', 'approver'] });
  admin = await signInStaff(t.app, staff.email, staff.password);
  const created = await admin.json('POST', '/api/v1/services', { slug: uniqueSlug('labels'), category: 'business', nameEn: 'Labelled', nameZhHk: '標籤', summaryEn: '', summaryZhHk: '' });
  assert.equal(created.statusCode, 201, created.body);
  serviceId = created.json().id;
  admin.cookies.set('lang', 'zh-HK');
});
after(async () => { await t.close(); });

/** The error page's reasons, as listed in its summary. */
async function refused(response: Awaited<ReturnType<Client['submit']>>): Promise<string> {
  assert.equal(response.statusCode, 400, response.body.slice(0, 300));
  assert.doesNotMatch(response.body, /欄位「/, 'no field named by its code name');
  return /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(response.body)?.[1] ?? '';
}

test('the console\'s service editor, form editor, queue and officer actions name refused fields by their labels', async () => {
  const editor = `/console/services/${serviceId}`;
  const service = await refused(await admin.submit(editor, editor, { version: '1', slug: 'labels', nameEn: 'x'.repeat(4001), 'documents.1.labelEn': 'y'.repeat(4001) }));
  assert.ok(service.includes('「英文名稱」不可超過 4,000 個字元'), service);
  assert.ok(service.includes('「文件 2 的英文名稱」不可超過 4,000 個字元'), service);

  const form = `${editor}/form`;
  const edit = await refused(await admin.submit(form, `${form}/edit`, { op: 'updateStep', basis: 'none', step: 'start', 'e.titleEn': 'x'.repeat(5001), 'e.ruleEquals.2': 'y'.repeat(5001) }));
  assert.ok(edit.includes('「標題（英文）」不可超過 5,000 個字元'), edit);
  assert.ok(edit.includes('「規則 3」不可超過 5,000 個字元'), edit);

  const queue = await refused(await admin.get('/console/applications?status=lost&pledge=someday'));
  assert.ok(queue.includes('請從提供的選項中選擇「狀況」'), queue);
  assert.ok(queue.includes('請從提供的選項中選擇「服務承諾到期日」'), queue);

  const application = `/console/applications/${randomUUID()}`;
  const decide = await refused(await admin.submit(form, `${application}/decide`, { decision: 'maybe', message: 'x'.repeat(5001) }));
  assert.ok(decide.includes('請從提供的選項中選擇「批准 / 拒絕」'), decide);
  assert.ok(decide.includes('「理由（申請人會看到；拒絕時必須填寫）」不可超過 5,000 個字元'), decide);
  const assign = await refused(await admin.submit(form, `${application}/assign`, { assignee: 'somebody' }));
  assert.ok(assign.includes('請從提供的選項中選擇「指派給同事」'), assign);
});

test('a citizen\'s reply to the department, and the e-ME consent boxes, are named by their labels', async () => {
  const citizen = await signInCitizen(t.app, await buildCitizen(t.db));
  citizen.cookies.set('lang', 'zh-HK');
  const reply = await refused(await citizen.submit('/applications', `/applications/${randomUUID()}/respond`, { message: 'x'.repeat(5001) }));
  assert.ok(reply.includes('「你給部門的回覆」不可超過 5,000 個字元'), reply);
  const consent = await refused(await citizen.submit('/applications', `/applications/${randomUUID()}/prefill`, { fields: 'x'.repeat(41) }));
  assert.ok(consent.includes('「使用「智方便」個人資料（e-ME）？」'), consent);
});
