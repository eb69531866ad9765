import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signInStaff, type Client, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff, signedInStaff } from '../../test/support/factories.ts';
import { buildServiceWithForm } from '../../test/support/services-factories.ts';
import { DRIVING_LICENCE_FORM } from './sample-form.ts';
import type { FormDefinition } from './form-definition.ts';
import * as store from './store.ts';

// The structured form editor: every change goes to the draft version through a plain form, the preview follows it,
// problems are named per field, and a change made on a stale page is refused.
let t: TestApp;
let admin: Client;
let organisationId: string;
before(async () => {
  t = await createTestApp();
  organisationId = (await buildOrganisation(t.db)).id;
  admin = await signedInStaff(t, organisationId, ['organisation_admin']);
});
after(async () => { await t.close(); });

const basisOf = (html: string) => /name="basis" value="([^"]+)"/.exec(html)![1]!;

async function newService() {
  const { service, form } = await buildServiceWithForm(t.db, DRIVING_LICENCE_FORM, { organisationId });
  const editor = `/console/services/${service.id}/form`;
  /** One change, made from `page` with that page's basis. */
  const edit = async (page: string, fields: Record<string, string>, basis?: string) =>
    admin.submit(page, `${editor}/edit`, { basis: basis ?? basisOf((await admin.get(page)).body), ...fields });
  const versions = () => t.db.selectFrom('service_forms').selectAll().where('service_id', '=', service.id).orderBy('version').execute();
  const draft = async () => (await versions()).at(-1)!.definition as FormDefinition;
  return { service, live: form, editor, edit, versions, draft };
}

const question = (overrides: Record<string, string> = {}) => ({
  'e.type': 'selection', 'e.labelEn': 'Colour of the vessel', 'e.labelZhHk': '船隻顏色', 'e.hintEn': 'As painted on the hull', 'e.hintZhHk': '',
  'e.required': 'yes', 'e.options': 'white | White | 白色\nblue | Blue | 藍色', 'e.maxLength': '', 'e.prefill': '', ...overrides,
});

describe('structured form editor', () => {
  test('add, edit, move and remove steps and questions; routing; each change saved to one draft version and audited', async () => {
    const { service, live, editor, edit, versions, draft } = await newService();
    const overview = await admin.get(editor);
    assert.equal(overview.statusCode, 200);
    assert.match(overview.body, /Your next change starts draft version 2/);
    assert.match(overview.body, /Step 3: How to reach you/);
    assert.match(overview.body, /<fieldset disabled lang="en">/, 'the preview is the citizen\'s step, disabled');
    assert.match(overview.body, /Identity card number/, 'the first step is previewed');
    assert.match(overview.body, /href="\/console\/services\/[0-9a-f-]+\/form\/json"/, 'the JSON editor stays as an advanced option');

    const added = await edit(editor, { op: 'addQuestion', step: 'licence' });
    assert.equal(added.statusCode, 303);
    const questionPage = added.headers.location as string;
    assert.match(questionPage, /\/steps\/licence\/questions\/question\d+$/);
    const saved = await edit(questionPage, { op: 'updateQuestion', step: 'licence', question: questionPage.split('/').at(-1)!, ...question() });
    assert.equal(saved.statusCode, 303);
    const preview = await admin.get(questionPage);
    assert.match(preview.body, /Colour of the vessel/);
    assert.match(preview.body, /type="radio" value="blue"/, 'the preview shows the new choices');
    assert.match((await admin.get(`${questionPage}?preview=zh-HK`)).body, /船隻顏色[\s\S]*藍色/, 'preview in Traditional Chinese');
    assert.match((await admin.get(`${questionPage}?preview=zh-CN`)).body, /船只颜色/, 'and in Simplified Chinese');

    const newStep = await edit(editor, { op: 'addStep' });
    const stepPage = newStep.headers.location as string;
    const stepId = stepPage.split('/').at(-1)!;
    assert.equal((await edit(stepPage, { op: 'updateStep', step: stepId, 'e.titleEn': 'Your vessel', 'e.titleZhHk': '你的船隻' })).statusCode, 303);
    assert.equal((await edit(editor, { op: 'moveStep', step: stepId, direction: 'up' })).statusCode, 303);
    assert.equal((await edit(`${editor}/steps/licence`, { op: 'updateStep', step: 'licence', 'e.titleEn': 'Your licence', 'e.titleZhHk': '你的駕駛執照', 'e.ruleQuestion.0': 'licenceType', 'e.ruleEquals.0': 'full', 'e.ruleGoto.0': stepId })).statusCode, 303);
    assert.equal((await edit(editor, { op: 'moveQuestion', step: 'licence', question: 'licenceType', direction: 'down' })).statusCode, 303);
    assert.equal((await edit(editor, { op: 'removeStep', step: 'probation' })).statusCode, 303);

    const definition = await draft();
    assert.deepEqual(definition.steps.map((s) => s.id), ['licence', 'contact', 'photo', stepId, 'declaration']);
    assert.deepEqual(definition.steps[0]!.questions.map((q) => q.id), ['idNumber', questionPage.split('/').at(-1), 'licenceType']);
    assert.deepEqual(definition.steps[0]!.next, [{ question: 'licenceType', equals: 'full', goto: stepId }]);
    const colour = definition.steps[0]!.questions[1]!;
    assert.deepEqual(colour.options, [{ value: 'white', label: { en: 'White', 'zh-HK': '白色' } }, { value: 'blue', label: { en: 'Blue', 'zh-HK': '藍色' } }]);
    assert.deepEqual(colour.hint, { en: 'As painted on the hull', 'zh-HK': 'As painted on the hull' });
    assert.equal(colour.required, true);

    const all = await versions();
    assert.deepEqual(all.map((v) => [v.version, v.status]), [[1, 'live'], [2, 'draft']], 'every change went to one draft; the live version is unchanged');
    assert.deepEqual((await store.formById(t.db, live.id))!.definition, DRIVING_LICENCE_FORM);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'detail']).where('record_id', '=', all[1]!.id).orderBy('id').execute();
    assert.equal(audit.length, 8);
    assert.ok(audit.every((a) => a.action === 'service_form.saved'));
    assert.deepEqual(audit.map((a) => (a.detail as { change: string }).change).slice(0, 3), ['addQuestion', 'updateQuestion', 'addStep']);
    assert.match((await admin.get(editor)).body, /You are editing draft version 2/);
    assert.match((await admin.get(`${editor}?step=${stepId}`)).body, /Preview: Your vessel/);
    assert.match((await admin.get(editor)).body, new RegExp(`${service.id}/form/${all[1]!.id}/publish`), 'the draft can be made live');
  });

  test('problems are named per field in an error summary, and what was typed is kept', async () => {
    const { editor, edit, versions } = await newService();
    const page = `${editor}/steps/licence/questions/licenceType`;
    const bad = await edit(page, { op: 'updateQuestion', step: 'licence', question: 'licenceType', ...question({ 'e.labelEn': ' ', 'e.options': 'white | White | 白色\n | nothing', 'e.maxLength': 'many' }) });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /class="error-summary"/);
    assert.match(bad.body, /<a href="#field-e-labelEn">Fill in &quot;Question \(English\)&quot;<\/a>/);
    assert.match(bad.body, /<a href="#field-e-options">Line 2 of the choices/);
    assert.match(bad.body, /<a href="#field-e-maxLength">The longest answer must be a whole number/);
    assert.match(bad.body, /value="many"/);
    assert.match(bad.body, /船隻顏色/, 'typed values are kept');

    const backwards = await edit(`${editor}/steps/contact`, { op: 'updateStep', step: 'contact', 'e.titleEn': 'Contact', 'e.titleZhHk': '聯絡', 'e.ruleQuestion.0': 'phone', 'e.ruleEquals.0': '1', 'e.ruleGoto.0': 'licence' });
    assert.equal(backwards.statusCode, 400);
    assert.match(backwards.body, /Rule 1 must go to a later step/);
    const inUse = await edit(editor, { op: 'removeQuestion', step: 'licence', question: 'licenceType' });
    assert.equal(inUse.statusCode, 400);
    assert.match(inUse.body, /&quot;Type of licence&quot; is used by a routing rule/);
    const routedStep = await edit(editor, { op: 'removeStep', step: 'contact' });
    assert.match(routedStep.body, /is used by a routing rule/);
    const chinese = await admin.request({ method: 'GET', url: `${page}?lang=zh-HK` });
    const zh = await admin.request({
      method: 'POST', url: `${editor}/edit?lang=zh-HK`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(chinese.body)![1]!, basis: basisOf(chinese.body), op: 'updateQuestion', step: 'licence', question: 'licenceType', ...question({ 'e.labelZhHk': '' }) }).toString(),
    });
    assert.match(zh.body, /請填寫「問題（繁體中文）」/);
    assert.equal((await versions()).length, 1, 'nothing was saved');
  });

  test('a change made on a stale page is refused, in the structured and the JSON editor', async () => {
    const { editor, edit, draft } = await newService();
    const stale = basisOf((await admin.get(editor)).body);
    assert.equal((await edit(editor, { op: 'addStep' }, stale)).statusCode, 303);
    const refused = await edit(`${editor}/steps/licence`, { op: 'updateStep', step: 'licence', 'e.titleEn': 'Overwritten', 'e.titleZhHk': '覆寫' }, stale);
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /Someone else changed this form since you opened it/);
    assert.match(refused.body, /value="Overwritten"/, 'what was typed is kept for another try');
    const fresh = basisOf((await admin.get(editor)).body);
    assert.equal((await edit(editor, { op: 'removeStep', step: 'probation' }, fresh)).statusCode, 303);
    assert.equal((await edit(editor, { op: 'moveStep', step: 'contact', direction: 'up' }, fresh)).statusCode, 409, 'a revision of the same draft is stale too');
    const json = await admin.submit(`${editor}/json`, editor, { definition: JSON.stringify(DRIVING_LICENCE_FORM), basis: stale });
    assert.equal(json.statusCode, 409);
    assert.equal((await draft()).steps.length, DRIVING_LICENCE_FORM.steps.length, 'only the changes made on the latest basis were kept');
  });

  test('the JSON editor is checked like the structured one: a file question cannot be filled in from e-ME', async () => {
    const { editor, versions } = await newService();
    const withPrefill = { steps: [{ id: 'a', title: { en: 'A', 'zh-HK': 'A' }, questions: [{ id: 'scan', type: 'file', label: { en: 'Scan', 'zh-HK': '掃描' }, required: true, prefill: 'email' }] }] };
    const refused = await admin.submit(`${editor}/json`, editor, { definition: JSON.stringify(withPrefill) });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /a file question cannot be filled in from e-ME/);
    const page = `${editor}/steps/contact/questions/email`;
    const dropped = await admin.submit(page, `${editor}/edit`, { basis: basisOf((await admin.get(page)).body), op: 'updateQuestion', step: 'contact', question: 'email', ...question({ 'e.type': 'file', 'e.prefill': 'email' }) });
    assert.equal(dropped.statusCode, 303);
    const saved = (await versions()).at(-1)!.definition as FormDefinition;
    assert.equal(saved.steps.find((s) => s.id === 'contact')!.questions.find((q) => q.id === 'email')!.prefill, undefined, 'the structured editor leaves e-ME out of a file question');
  });

  test('a stale page and problems of the whole form are named in the editor\'s language, never in the API\'s English', async () => {
    const { editor, draft } = await newService();
    /** A form post made from a page in Traditional Chinese. */
    const inChinese = async (page: string, action: string, fields: Record<string, string>) => {
      const shown = await admin.request({ method: 'GET', url: `${page}?lang=zh-HK` });
      return admin.request({
        method: 'POST', url: `${action}?lang=zh-HK`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(shown.body)![1]!, basis: basisOf(shown.body), ...fields }).toString(),
      });
    };
    const stale = basisOf((await admin.get(editor)).body);
    assert.equal((await inChinese(editor, `${editor}/edit`, { op: 'moveStep', step: 'contact', direction: 'up' })).statusCode, 303);
    // Moved up once more, "How to reach you" comes before the licence step, whose rule goes to it.
    const backwards = await inChinese(editor, `${editor}/edit`, { op: 'moveStep', step: 'contact', direction: 'up' });
    assert.equal(backwards.statusCode, 400);
    assert.match(backwards.body, /第 2 步的路徑規則前往「contact」，但那已不是較後的步驟/);
    assert.doesNotMatch(backwards.body, /not a later step|definition\.steps/);
    assert.equal((await draft()).steps[1]!.id, 'contact', 'the refused move changed nothing');

    const refused = await inChinese(editor, `${editor}/edit`, { op: 'addStep', basis: stale });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /自你開啟此表格後，有其他人更改了它/);
    assert.doesNotMatch(refused.body, /Someone else/);
    const json = await inChinese(`${editor}/json`, editor, { definition: JSON.stringify(DRIVING_LICENCE_FORM), basis: stale });
    assert.equal(json.statusCode, 409);
    assert.match(json.body, /自你開啟此表格後，有其他人更改了它/);
  });

  test('only organisation admins of the service\'s organisation edit it; others find nothing', async () => {
    const { editor, edit } = await newService();
    const officerStaff = await buildStaff(t.db, { organisationId, roles: ['officer'] });
    const officer = await signInStaff(t.app, officerStaff.email, officerStaff.password);
    assert.equal((await officer.get(editor)).statusCode, 403);
    const outsiderStaff = await buildStaff(t.db, { roles: ['organisation_admin'] });
    const outsider = await signInStaff(t.app, outsiderStaff.email, outsiderStaff.password);
    assert.equal((await outsider.get(editor)).statusCode, 404);
    assert.equal((await outsider.get(`${editor}/steps/licence`)).statusCode, 404);
    const basis = basisOf((await admin.get(editor)).body);
    assert.equal((await outsider.submit('/console', `${editor}/edit`, { basis, op: 'addStep' })).statusCode, 404);
    assert.equal((await admin.get(`${editor}/steps/nosuchstep`)).statusCode, 404);
    assert.equal((await admin.get(`${editor}/steps/licence/questions/nosuch`)).statusCode, 404);
    assert.equal((await edit(editor, { op: 'moveStep', step: 'licence' })).statusCode, 400, 'a move needs a direction');
    assert.equal((await edit(editor, { op: 'explode', step: 'licence' })).statusCode, 400);
    const visitor = await t.app.inject({ method: 'GET', url: editor, headers: { accept: 'text/html' } });
    assert.equal(visitor.statusCode, 303);
  });
});
