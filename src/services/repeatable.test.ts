import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type Client, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, signedInStaff } from '../../test/support/factories.ts';
import { buildServiceWithForm, startApplicationAsNewCitizen } from '../../test/support/services-factories.ts';
import { checkDefinition, type FormDefinition } from './form-definition.ts';

// "Add another vehicle": at least 1 and at most 2 vehicles, then a declaration.
const VEHICLES_FORM: FormDefinition = {
  steps: [
    { id: 'vehicles', title: { en: 'Your vehicles', 'zh-HK': '你的車輛' }, repeat: { min: 1, max: 2 }, questions: [
      { id: 'plate', type: 'text', label: { en: 'Registration mark', 'zh-HK': '車牌號碼' }, required: true },
      { id: 'firstRegistered', type: 'date', label: { en: 'First registered', 'zh-HK': '首次登記日期' }, required: false },
    ] },
    { id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [
      { id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true },
    ] },
  ],
};

let t: TestApp;
let slug: string;
let officer: Client;
let admin: Client;
let organisationId: string;

before(async () => {
  t = await createTestApp();
  organisationId = (await buildOrganisation(t.db)).id;
  slug = (await buildServiceWithForm(t.db, VEHICLES_FORM, { organisationId })).service.slug;
  [officer, admin] = await Promise.all([signedInStaff(t, organisationId, ['officer']), signedInStaff(t, organisationId, ['organisation_admin'])]);
});
after(async () => { await t.close(); });

describe('repeatable steps', () => {
  test('add two entries, remove one, fewer than min and more than max refused, check answers and the officer see every entry', async () => {
    const { citizen, id } = await startApplicationAsNewCitizen(t.app, t.db, slug);
    const page = `/applications/${id}/steps/vehicles`;
    const entry = (n: number) => `${page}/entries/${n}`;

    const empty = await citizen.submit(page, page, {});
    assert.equal(empty.statusCode, 400, 'continuing with no entry is refused (min 1)');
    assert.match(empty.body, /class="error-summary"/);
    assert.match(empty.body, /Add at least 1 entries/);

    const bad = await citizen.submit(page, entry(0), { plate: '', firstRegistered: 'yesterday' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /class="error-summary"/);
    assert.match(bad.body, /Answer &quot;Registration mark&quot;/);
    assert.match(bad.body, /value="yesterday"/, 'what was typed is kept');

    assert.equal((await citizen.submit(page, entry(0), { plate: 'AB 1234', firstRegistered: '2020-01-02' })).headers.location, page);
    assert.equal((await citizen.submit(page, entry(1), { plate: 'CD 5678' })).headers.location, page);
    const list = await citizen.get(page);
    assert.match(list.body, /AB 1234/);
    assert.match(list.body, /CD 5678/);
    assert.doesNotMatch(list.body, /Add an entry/, 'no room for a third entry');

    const third = await citizen.submit(page, entry(2), { plate: 'EF 9012' });
    assert.equal(third.statusCode, 400, 'more than max is refused');
    assert.match(third.body, /You can add at most 2 entries/);
    assert.equal((await citizen.submit(page, entry(5), { plate: 'GH 1' })).statusCode, 404, 'entries stay numbered without gaps');

    assert.equal((await citizen.submit(page, `${entry(0)}/remove`, {})).headers.location, page);
    const after = await citizen.get(page);
    assert.doesNotMatch(after.body, /AB 1234/);
    assert.match(after.body, /CD 5678/, 'the later entry moved up');
    assert.match(after.body, /Add an entry/);
    assert.equal((await citizen.submit(page, `${entry(1)}/remove`, {})).statusCode, 404, 'removing an entry that is not there');

    await citizen.submit(page, entry(1), { plate: 'JK 4321' });
    const changed = await citizen.submit(`${page}?entry=0`, entry(0), { plate: 'CD 5679' });
    assert.equal(changed.headers.location, page);

    assert.equal((await citizen.submit(page, page, {})).headers.location, `/applications/${id}/steps/declaration`);
    await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
    const check = await citizen.get(`/applications/${id}/check`);
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /Registration mark \(Entry 1\)[\s\S]*CD 5679/);
    assert.match(check.body, /Registration mark \(Entry 2\)[\s\S]*JK 4321/);
    assert.match(check.body, new RegExp(`steps/vehicles\\?entry=1`), 'each entry can be changed');

    const submitted = await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {});
    assert.equal(submitted.headers.location, `/applications/${id}`);
    const row = await t.db.selectFrom('applications').select('answers').where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(Object.keys(row.answers as object).filter((k) => k.startsWith('plate')).sort(), ['plate[0]', 'plate[1]']);

    const seen = await officer.get(`/console/applications/${id}`);
    assert.equal(seen.statusCode, 200);
    assert.match(seen.body, /CD 5679/);
    assert.match(seen.body, /JK 4321/);
    assert.match(seen.body, /2020-01-02|First registered \(Entry 2\)/);
  });

  test('a step that is not repeatable has no entries, and another citizen cannot add to the draft', async () => {
    const { citizen, id } = await startApplicationAsNewCitizen(t.app, t.db, slug);
    const declaration = `/applications/${id}/steps/declaration`;
    assert.equal((await citizen.submit(declaration, `${declaration}/entries/0`, { declare: 'yes' })).statusCode, 404);
    const other = await startApplicationAsNewCitizen(t.app, t.db, slug);
    const page = `/applications/${other.id}/steps/vehicles`;
    const stranger = await citizen.submit(`/applications/${id}/steps/vehicles`, `${page}/entries/0`, { plate: 'XX 1' });
    assert.equal(stranger.statusCode, 404);
  });
});

describe('the structured editor', () => {
  test('an admin marks a step repeatable with min and max; min above max and routing on its questions are refused', async () => {
    const plain = structuredClone(VEHICLES_FORM);
    delete plain.steps[0]!.repeat;
    const { service } = await buildServiceWithForm(t.db, plain, { organisationId });
    const stepPage = `/console/services/${service.id}/form/steps/vehicles`;
    const edit = async (fields: Record<string, string>) => {
      const basis = /name="basis" value="([^"]+)"/.exec((await admin.get(stepPage)).body)![1]!;
      return admin.submit(stepPage, `/console/services/${service.id}/form/edit`, { op: 'updateStep', step: 'vehicles', basis, 'e.titleEn': 'Your vehicles', 'e.titleZhHk': '你的車輛', ...fields });
    };
    const tooFew = await edit({ 'e.repeat': 'yes', 'e.repeatMin': '3', 'e.repeatMax': '2' });
    assert.equal(tooFew.statusCode, 400);
    assert.match(tooFew.body, /class="error-summary"/);
    assert.match(tooFew.body, /the fewest entries cannot be more than the most entries/);
    const routed = await edit({ 'e.repeat': 'yes', 'e.repeatMin': '1', 'e.repeatMax': '3', 'e.ruleQuestion.0': 'plate', 'e.ruleEquals.0': 'x', 'e.ruleGoto.0': 'end' });
    assert.equal(routed.statusCode, 400);
    assert.match(routed.body, /its routing rules cannot use &quot;plate&quot;/);
    assert.equal((await edit({ 'e.repeat': 'yes', 'e.repeatMin': '1', 'e.repeatMax': '3' })).statusCode, 303);
    const outline = await admin.get(`/console/services/${service.id}/form`);
    assert.match(outline.body, /add another: 1 to 3 entries/);
    const draft = await t.db.selectFrom('service_forms').select('definition').where('service_id', '=', service.id).where('status', '=', 'draft').executeTakeFirstOrThrow();
    assert.deepEqual((draft.definition as FormDefinition).steps[0]!.repeat, { min: 1, max: 3 });
  });
});

describe('a repeatable step in a definition', () => {
  test('needs min no more than max, no files, and no routing on its questions', () => {
    assert.deepEqual(checkDefinition(VEHICLES_FORM).errors, []);
    const bad = structuredClone(VEHICLES_FORM);
    bad.steps[0]!.repeat = { min: 3, max: 2 };
    bad.steps[0]!.next = [{ question: 'plate', equals: 'x', goto: 'end' }];
    bad.steps[0]!.questions.push({ id: 'logbook', type: 'file', label: { en: 'Logbook', 'zh-HK': '牌簿' }, required: false });
    const problems = checkDefinition(bad).errors.map((e) => e.problem?.problem);
    assert.deepEqual(problems.sort(), ['repeat_file', 'repeat_range', 'route_repeatable']);
    assert.equal(checkDefinition({ steps: [{ ...VEHICLES_FORM.steps[0], repeat: { min: 0, max: 51 } }] }).definition, undefined, 'at most 50 entries');
  });
});
