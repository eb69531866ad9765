import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, signInStaff, type Client, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff, signedInStaff } from '../../test/support/factories.ts';
import { buildServiceWithForm, startApplicationAsNewCitizen, uniqueSlug } from '../../test/support/services-factories.ts';
import { DRIVING_LICENCE_FORM } from './sample-form.ts';

let t: TestApp;
let admin: Client;
let organisationId: string;
before(async () => {
  t = await createTestApp();
  organisationId = (await buildOrganisation(t.db)).id;
  admin = await signedInStaff(t, organisationId, ['organisation_admin']);
});
after(async () => { await t.close(); });

const licence = (slug: string) => ({
  slug, category: 'transport', nameEn: 'Renew a boat licence', nameZhHk: '續期船隻牌照', summaryEn: 'Renew the licence of a pleasure vessel.', summaryZhHk: '續期遊樂船隻的牌照。',
});
const requirements = {
  eligibilityEn: 'Owners of a pleasure vessel registered in Hong Kong.\nThe licence must expire within three months.',
  eligibilityZhHk: '在香港登記的遊樂船隻的船主。\n執照須於三個月內屆滿。',
  requiredDocuments: [
    { labelEn: 'Certificate of ownership', labelZhHk: '擁有權證明書', noteEn: 'The original, not a copy', noteZhHk: '正本，不接受副本' },
    { labelEn: 'Third-party insurance', labelZhHk: '第三者保險', mandatory: false },
  ],
};
const put = (client: Client, id: string, version: number, body: unknown) => client.request({
  method: 'PUT', url: `/api/v1/services/${id}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', 'if-match': `"${version}"`, accept: 'application/json' },
});
const fieldsNamed = (response: { json(): { errors?: { field: string }[] } }) => (response.json().errors ?? []).map((e) => e.field);
const html = (url: string, lang: string) => t.app.inject({ url, headers: { accept: 'text/html', cookie: `lang=${lang}` } });

describe('eligibility and required documents through the API', () => {
  test('an admin sets both in three languages, replaces them with If-Match, and each change is audited', async () => {
    const created = await admin.json('POST', '/api/v1/services', { ...licence(uniqueSlug('boat')), ...requirements });
    assert.equal(created.statusCode, 201);
    const service = created.json();
    assert.deepEqual(service.eligibility['zh-CN'], '在香港登记的游乐船只的船主。\n执照须于三个月内届满。');
    assert.deepEqual(service.requiredDocuments, [
      { label: { en: 'Certificate of ownership', 'zh-HK': '擁有權證明書', 'zh-CN': '拥有权证明书' }, note: { en: 'The original, not a copy', 'zh-HK': '正本，不接受副本', 'zh-CN': '正本，不接受副本' }, mandatory: true },
      { label: { en: 'Third-party insurance', 'zh-HK': '第三者保險', 'zh-CN': '第三者保险' }, note: null, mandatory: false },
    ]);

    const replaced = await put(admin, service.id, 1, { ...licence(service.slug), eligibilityEn: 'Anyone.', eligibilityZhHk: '任何人。', eligibilityZhCn: '任何人士。', requiredDocuments: [{ labelEn: 'Licence', labelZhHk: '執照', labelZhCn: '牌照' }] });
    assert.equal(replaced.statusCode, 200);
    assert.deepEqual(replaced.json().eligibility, { en: 'Anyone.', 'zh-HK': '任何人。', 'zh-CN': '任何人士。' }, 'Simplified Chinese given is kept');
    assert.deepEqual(replaced.json().requiredDocuments.map((d: { label: { 'zh-CN': string } }) => d.label['zh-CN']), ['牌照']);
    assert.equal((await put(admin, service.id, 1, { ...licence(service.slug), ...requirements })).statusCode, 409, 'a stale version');

    const cleared = await put(admin, service.id, 2, licence(service.slug));
    assert.deepEqual([cleared.json().eligibility.en, cleared.json().requiredDocuments], ['', []], 'a replacement without them clears them');
    const audit = await t.db.selectFrom('audit_log').select(['action', 'detail']).where('record_id', '=', service.id).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => [a.action, (a.detail as { requiredDocuments: number }).requiredDocuments]), [['service.created', 2], ['service.updated', 1], ['service.updated', 0]]);
  });

  test('bad input is refused with a 400 naming the field', async () => {
    const slug = uniqueSlug();
    const refused = async (body: Record<string, unknown>, field: string) => {
      const response = await admin.json('POST', '/api/v1/services', { ...licence(slug), ...body });
      assert.equal(response.statusCode, 400, field);
      assert.ok(fieldsNamed(response).includes(field), `${field} in ${JSON.stringify(fieldsNamed(response))}`);
    };
    const document = { labelEn: 'Licence', labelZhHk: '執照' };
    await refused({ eligibilityEn: 'x'.repeat(2001), eligibilityZhHk: '合資格' }, 'body.eligibilityEn');
    await refused({ eligibilityEn: 'Residents only.' }, 'body.eligibilityZhHk');
    await refused({ eligibilityEn: '  ', eligibilityZhHk: '居民。' }, 'body.eligibilityEn');
    await refused({ requiredDocuments: Array.from({ length: 21 }, () => document) }, 'body.requiredDocuments');
    await refused({ requiredDocuments: [document, { labelEn: 'Photo' }] }, 'body.requiredDocuments.1.labelZhHk');
    await refused({ requiredDocuments: [{ ...document, labelEn: '   ' }] }, 'body.requiredDocuments.0.labelEn');
    await refused({ requiredDocuments: [{ ...document, labelEn: 'x'.repeat(201) }] }, 'body.requiredDocuments.0.labelEn');
    await refused({ requiredDocuments: [{ ...document, noteEn: 'The original' }] }, 'body.requiredDocuments.0.noteZhHk');
    await refused({ requiredDocuments: [{ ...document, colour: 'red' }] }, 'body.requiredDocuments.0.colour');
    await refused({ requiredDocuments: [{ ...document, mandatory: 'sometimes' }] }, 'body.requiredDocuments.0.mandatory');
    assert.equal((await t.app.inject(`/api/v1/services/${slug}`)).statusCode, 404, 'nothing was made');
  });

  test("another department's admin gets not-found; an officer or a signed-out caller is refused", async () => {
    const service = (await admin.json('POST', '/api/v1/services', { ...licence(uniqueSlug()), ...requirements })).json();
    const outsider = await buildStaff(t.db, { roles: ['organisation_admin'] });
    const other = await signInStaff(t.app, outsider.email, outsider.password);
    assert.equal((await put(other, service.id, 1, { ...licence(service.slug), ...requirements })).statusCode, 404);
    assert.equal((await other.submit('/console/services', `/console/services/${service.id}`, { ...form(licence(service.slug)), version: '1' })).statusCode, 404);
    const officerAccount = await buildStaff(t.db, { organisationId, roles: ['officer'] });
    const officer = await signInStaff(t.app, officerAccount.email, officerAccount.password);
    assert.equal((await put(officer, service.id, 1, { ...licence(service.slug), ...requirements })).statusCode, 403);
    assert.equal((await officer.submit('/console/services', `/console/services/${service.id}`, { ...form(licence(service.slug)), version: '1' })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'PUT', url: `/api/v1/services/${service.id}`, payload: licence(service.slug), headers: { 'if-match': '1' } })).statusCode, 401);
    const unchanged = await t.db.selectFrom('services').select(['version', 'eligibility_en']).where('id', '=', service.id).executeTakeFirstOrThrow();
    assert.deepEqual(unchanged, { version: 1, eligibility_en: requirements.eligibilityEn });
  });
});

describe('the console service editor', () => {
  test('saves eligibility and documents from the form, and shows them again with empty rows to add more', async () => {
    const slug = uniqueSlug();
    const created = await admin.submit('/console/services/new', '/console/services/new', {
      ...form(licence(slug)), eligibilityEn: 'Boat owners.', eligibilityZhHk: '船主。',
      'documents.0.labelEn': 'Certificate of ownership', 'documents.0.labelZhHk': '擁有權證明書', 'documents.0.noteEn': 'The original', 'documents.0.noteZhHk': '正本', 'documents.0.mandatory': 'yes',
      'documents.1.labelEn': '', 'documents.1.labelZhHk': '', 'documents.1.mandatory': 'yes',
      'documents.2.labelEn': 'Insurance', 'documents.2.labelZhHk': '保險', 'documents.2.mandatory': 'no',
    });
    assert.equal(created.statusCode, 303);
    const id = /\/console\/services\/([0-9a-f-]{36})$/.exec(created.headers.location as string)![1]!;
    const saved = await t.db.selectFrom('services').select(['eligibility_zh_cn', 'required_documents']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(saved.eligibility_zh_cn, '船主。');
    assert.deepEqual(saved.required_documents.map((d) => [d.label.en, d.note?.['zh-CN'] ?? null, d.mandatory]), [['Certificate of ownership', '正本', true], ['Insurance', null, false]], 'the empty row is no document');

    const page = await admin.get(`/console/services/${id}`);
    assert.match(page.body, /<textarea id="field-eligibilityEn" name="eligibilityEn"[^>]*>Boat owners\.<\/textarea>/);
    assert.match(page.body, /name="documents\.1\.labelEn" type="text" value="Insurance"/);
    assert.match(page.body, /name="documents\.4\.labelEn"/, 'three empty rows after the two documents');
    assert.doesNotMatch(page.body, /name="documents\.5\./);
    assert.match(page.body, /<option value="no" selected>Only some applicants<\/option>/);

    // Emptying a row removes its document; the rest keep their order.
    const edited = await admin.submit(`/console/services/${id}`, `/console/services/${id}`, {
      ...form(licence(slug)), version: '1',
      'documents.0.labelEn': '', 'documents.0.labelZhHk': '', 'documents.1.labelEn': 'Insurance', 'documents.1.labelZhHk': '保險', 'documents.1.mandatory': 'no',
    });
    assert.equal(edited.statusCode, 303);
    const after = await t.db.selectFrom('services').select(['eligibility_en', 'required_documents', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([after.eligibility_en, after.required_documents.map((d) => d.label.en), after.version], ['', ['Insurance'], 2]);
  });

  test('problems are named in an error summary in the page language, and what was typed is kept', async () => {
    const slug = uniqueSlug();
    const zh = await signInStaffIn('zh-HK');
    const response = await zh.submit('/console/services/new', '/console/services/new', {
      ...form(licence(slug)), eligibilityEn: 'x'.repeat(2001), eligibilityZhHk: '',
      'documents.0.labelEn': 'Kept label', 'documents.0.labelZhHk': '', 'documents.0.noteZhHk': '只有備註',
    });
    assert.equal(response.statusCode, 400);
    for (const field of ['eligibilityEn', 'eligibilityZhHk', 'documents-0-labelZhHk', 'documents-0-noteEn']) assert.match(response.body, new RegExp(`href="#field-${field}"`), field);
    assert.match(response.body, /申請資格（英文）不可超過 2,000 個字元/);
    assert.match(response.body, /請輸入申請資格（繁體中文）/);
    assert.match(response.body, /請輸入文件 1 的繁體中文名稱/);
    assert.match(response.body, /請輸入文件 1 的英文備註/);
    assert.match(response.body, /value="Kept label"/);

    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [[`documents.${i}.labelEn`, `Document ${i}`], [`documents.${i}.labelZhHk`, `文件 ${i}`]]).flat());
    const many = await admin.submit('/console/services/new', '/console/services/new', { ...form(licence(slug)), ...tooMany });
    assert.equal(many.statusCode, 400);
    assert.match(many.body, /href="#field-documents">List at most 20 documents/);
    assert.match(many.body, /id="field-documents"/, 'the summary links to the list');
    assert.match(many.body, /value="Document 20"/, 'every row typed is shown again');
    assert.equal((await t.app.inject(`/api/v1/services/${slug}`)).statusCode, 404);
  });
});

describe('citizens read them before applying', () => {
  test('the service page shows who can apply and what you need in each language; the first step reminds of the documents', async () => {
    const { service } = await buildServiceWithForm(t.db, DRIVING_LICENCE_FORM, { organisationId });
    const updated = await put(admin, service.id, service.version, { ...licence(service.slug), ...requirements });
    assert.equal(updated.statusCode, 200);

    const en = await html(`/services/${service.slug}`, 'en');
    assert.match(en.body, /<h2 id="eligibility-title">Who can apply<\/h2>\s*<p>Owners of a pleasure vessel registered in Hong Kong\.<\/p>\s*<p>The licence must expire within three months\.<\/p>/);
    assert.match(en.body, /<h2 id="documents-title">What you need<\/h2>/);
    assert.match(en.body, /Certificate of ownership<br><span class="hint">The original, not a copy<\/span>/);
    assert.match(en.body, /Third-party insurance \(only if it applies to you\)/);
    assert.ok(en.body.indexOf('What you need') < en.body.indexOf('Apply online'), 'before the Apply button');
    const hk = await html(`/services/${service.slug}`, 'zh-HK');
    assert.match(hk.body, /申請資格/);
    assert.match(hk.body, /擁有權證明書<br><span class="hint">正本，不接受副本/);
    assert.match(hk.body, /第三者保險 \(只在適用時需要\)/);
    const cn = await html(`/services/${service.slug}`, 'zh-CN');
    assert.match(cn.body, /申请资格/);
    assert.match(cn.body, /在香港登记的游乐船只的船主。/);
    assert.match(cn.body, /拥有权证明书/);

    const { citizen, id } = await startApplicationAsNewCitizen(t.app, t.db, service.slug);
    const first = await citizen.get(`/applications/${id}/steps/licence`);
    assert.match(first.body, /<h2>Have these documents ready<\/h2>/);
    assert.match(first.body, /Certificate of ownership/);
    const later = await citizen.get(`/applications/${id}/steps/contact`);
    assert.doesNotMatch(later.body, /Have these documents ready/);
  });

  test('a service without them leaves both sections out', async () => {
    const { service } = await buildServiceWithForm(t.db, DRIVING_LICENCE_FORM, { organisationId });
    const page = await html(`/services/${service.slug}`, 'en');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /Who can apply|What you need/);
    const { citizen, id } = await startApplicationAsNewCitizen(t.app, t.db, service.slug);
    assert.doesNotMatch((await citizen.get(`/applications/${id}/steps/licence`)).body, /Have these documents ready/);
  });

  test('the catalogue lists leave them out; a change to them alone moves the catalogue version on', async () => {
    const { service } = await buildServiceWithForm(t.db, DRIVING_LICENCE_FORM, { organisationId, nameEn: 'Requirements version check' });
    assert.equal((await put(admin, service.id, service.version, { ...licence(service.slug), ...requirements })).statusCode, 200);
    const listed = (await t.app.inject(`/api/v1/services?organisation=${organisationId}&limit=100`)).json().services.find((s: { id: string }) => s.id === service.id);
    assert.equal(listed.slug, service.slug);
    assert.equal('requiredDocuments' in listed || 'eligibility' in listed, false, 'on the service itself, not in lists');
    const version = async () => Number((await sql<{ version: string }>`SELECT version FROM catalogue_version`.execute(t.db)).rows[0]!.version);
    const before = await version();
    await sql`UPDATE services SET required_documents = '[]' WHERE id = ${service.id}`.execute(t.db);
    await sql`UPDATE services SET eligibility_zh_cn = 'x' WHERE id = ${service.id}`.execute(t.db);
    assert.equal(await version(), before + 2);
    assert.deepEqual((await t.app.inject(`/api/v1/services/${service.slug}`)).json().requiredDocuments, []);
  });
});

/** Form fields as a browser sends them. */
function form(input: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v)]));
}

async function signInStaffIn(lang: string): Promise<Client> {
  const staff = await buildStaff(t.db, { organisationId, roles: ['organisation_admin'] });
  const client = await signInStaff(t.app, staff.email, staff.password);
  client.cookies.set('lang', lang);
  return client;
}
