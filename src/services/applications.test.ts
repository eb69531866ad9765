import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff, signedInStaff } from '../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';
import { startApplicationAsNewCitizen, uniqueSlug } from '../../test/support/services-factories.ts';
import { buildPaymentItem, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';
import { DRIVING_LICENCE_FORM } from './sample-form.ts';
import type { StaffRole } from '../platform/context.ts';

let t: TestApp;
let admin: Client;
let officer: Client;
let approver: Client;
let organisationId: string;
let slug: string;

before(async () => {
  t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL });
  organisationId = (await buildOrganisation(t.db)).id;
  const sign = (roles: StaffRole[]) => signedInStaff(t, organisationId, roles);
  [admin, officer, approver] = await Promise.all([sign(['organisation_admin']), sign(['officer']), sign(['approver'])]);
  slug = uniqueSlug('licence');
  const service = (await admin.json('POST', '/api/v1/services', { slug, category: 'transport', nameEn: 'Renew a licence', nameZhHk: '續期執照', summaryEn: 'x', summaryZhHk: 'x', pledgeWorkingDays: 10 })).json();
  await admin.submit(`/console/services/${service.id}`, `/console/services/${service.id}/publish`, { version: '1' });
  const saved = await admin.submit(`/console/services/${service.id}/form`, `/console/services/${service.id}/form`, { definition: JSON.stringify(DRIVING_LICENCE_FORM) });
  assert.equal(saved.statusCode, 303);
  const editor = await admin.get(`/console/services/${service.id}/form`);
  const formId = /form\/([0-9a-f-]{36})\/publish/.exec(editor.body)![1];
  assert.equal((await admin.submit(`/console/services/${service.id}/form`, `/console/services/${service.id}/form/${formId}/publish`, {})).statusCode, 303);
});
after(async () => { await t.close(); });

const applyAsNewCitizen = () => startApplicationAsNewCitizen(t.app, t.db, slug);

describe('applying online', () => {
  test('step by step with routing, error summary, save and resume, check answers, submit once', async () => {
    const { citizen, id } = await applyAsNewCitizen();
    const bad = await citizen.submit(`/applications/${id}/steps/licence`, `/applications/${id}/steps/licence`, { idNumber: 'A123456(7)' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /class="error-summary"/);
    assert.match(bad.body, /Check your answer to &quot;Identity card number&quot;/);
    assert.match(bad.body, /Answer &quot;Type of licence&quot;/);
    assert.match(bad.body, /value="A123456\(7\)"/, 'what was typed is kept');

    const full = await citizen.submit(`/applications/${id}/steps/licence`, `/applications/${id}/steps/licence`, { idNumber: 'a123456(3)', licenceType: 'full' });
    assert.equal(full.headers.location, `/applications/${id}/steps/contact`, 'full licences skip the probation step');
    const resumed = await citizen.submit(`/services/${slug}`, `/services/${slug}/apply`, {});
    assert.equal(resumed.headers.location, `/applications/${id}/steps/licence`, 'starting again resumes the draft');
    assert.equal((await citizen.get(`/applications/${id}/check`)).headers.location, `/applications/${id}/steps/contact`, 'cannot skip to the end');

    await citizen.submit(`/applications/${id}/steps/contact`, `/applications/${id}/steps/contact`, { phone: '+852 9123 4567', address: '1 Sample Road, Hong Kong' });
    const declared = await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
    assert.equal(declared.headers.location, `/applications/${id}/check`);
    const check = await citizen.get(`/applications/${id}/check`);
    assert.match(check.body, /A123456\(3\)/);
    assert.doesNotMatch(check.body, /probation end/, 'steps off the path are not shown');

    const first = await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {});
    assert.equal(first.statusCode, 303);
    const again = await citizen.submit(`/applications/${id}`, `/applications/${id}/submit`, {});
    assert.equal(again.statusCode, 303, 'a second submission is harmless');
    const events = await t.db.selectFrom('application_events').select('kind').where('application_id', '=', id).execute();
    assert.deepEqual(events.map((e) => e.kind), ['submitted']);
    const confirmation = await citizen.get(`/applications/${id}`);
    assert.match(confirmation.body, /Application submitted/);
    assert.match(confirmation.body, /SG-\d{4}-\d{7}/);
    assert.match(confirmation.body, /within 10 working days/);
    assert.equal((await citizen.submit(`/applications/${id}`, `/applications/${id}/steps/contact`, { phone: '1' })).statusCode, 409, 'no changes after submitting');
  });

  test('two steps saved at once (two tabs) both keep their answers', async () => {
    const { citizen, id } = await applyAsNewCitizen();
    const [licence, contact] = await Promise.all([
      citizen.submit(`/applications/${id}/steps/licence`, `/applications/${id}/steps/licence`, { idNumber: 'a123456(3)', licenceType: 'full' }),
      citizen.submit(`/applications/${id}/steps/contact`, `/applications/${id}/steps/contact`, { phone: '+852 9123 4567', address: '1 Sample Road, Hong Kong' }),
    ]);
    assert.deepEqual([licence.statusCode, contact.statusCode], [303, 303]);
    const row = await t.db.selectFrom('applications').select('answers').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.answers.idNumber, 'A123456(3)');
    assert.equal(row.answers.phone, '+852 9123 4567');
  });

  test('e-ME details fill the form only where the citizen agrees, field by field', async () => {
    const person = await buildCitizen(t.db, { profile: { phone: '+852 6123 4567', correspondence_address: '8 Consent Street' } });
    const citizen = await signInCitizen(t.app, person);
    const started = await citizen.submit(`/services/${slug}`, `/services/${slug}/apply`, {});
    assert.match(started.headers.location as string, /\/prefill$/);
    const offer = await citizen.get(started.headers.location as string);
    assert.match(offer.body, /\+852 6123 4567/);
    assert.match(offer.body, /8 Consent Street/);
    const id = /\/applications\/([0-9a-f-]{36})\//.exec(started.headers.location as string)![1]!;
    const agreed = await citizen.submit(`/applications/${id}/prefill`, `/applications/${id}/prefill`, { fields: 'phone' });
    assert.equal(agreed.headers.location, `/applications/${id}/steps/licence`);
    const contact = await citizen.get(`/applications/${id}/steps/contact`);
    assert.match(contact.body, /value="\+852 6123 4567"/);
    assert.doesNotMatch(contact.body, /8 Consent Street/, 'not agreed, not copied');
    const consent = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'application.prefill_consented').where('record_id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(consent.detail, { fields: ['phone'] });
  });

  test("a citizen cannot see another citizen's application; visitors are sent to sign in", async () => {
    const { id } = await applyAsNewCitizen();
    const other = await signInCitizen(t.app, await buildCitizen(t.db));
    assert.equal((await other.get(`/applications/${id}`)).statusCode, 404);
    assert.equal((await other.get(`/applications/${id}/steps/licence`)).statusCode, 404);
    assert.equal((await other.submit(`/services/${slug}`, `/applications/${id}/submit`, {})).statusCode, 404);
    const visitor = await t.app.inject({ url: `/applications/${id}`, headers: { accept: 'text/html' } });
    assert.equal(visitor.statusCode, 303);
    assert.match(visitor.headers.location as string, /^\/account\/sign-in\?return=/);
  });
});

describe('paying the fee', () => {
  test('with a fee, the application is submitted exactly when the payment succeeds; a cancelled payment can be tried again', async () => {
    const item = await buildPaymentItem(t.db, { organisationId, amountCents: 9_000 });
    const service = (await admin.json('POST', '/api/v1/services', { slug: uniqueSlug('paid'), category: 'transport', nameEn: 'Paid licence', nameZhHk: '收費執照', summaryEn: '', summaryZhHk: '', feeItemId: item.id })).json();
    await admin.submit(`/console/services/${service.id}`, `/console/services/${service.id}/publish`, { version: '1' });
    const simple = { steps: [{ id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true }] }] };
    await admin.submit(`/console/services/${service.id}/form`, `/console/services/${service.id}/form`, { definition: JSON.stringify(simple) });
    const formId = /form\/([0-9a-f-]{36})\/publish/.exec((await admin.get(`/console/services/${service.id}/form`)).body)![1];
    await admin.submit(`/console/services/${service.id}/form`, `/console/services/${service.id}/form/${formId}/publish`, {});

    const person = await buildCitizen(t.db);
    const citizen = await signInCitizen(t.app, person);
    const started = await citizen.submit(`/services/${service.slug}`, `/services/${service.slug}/apply`, {});
    const id = /\/applications\/([0-9a-f-]{36})\//.exec(started.headers.location as string)![1]!;
    await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
    assert.match((await citizen.get(`/applications/${id}/check`)).body, /Pay HK\$90\.00 and submit/);
    const submit = await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {});
    const firstPayment = /^\/payments\/([0-9a-f-]{36})$/.exec(submit.headers.location as string)![1]!;
    assert.equal((await citizen.submit(`/applications/${id}`, `/applications/${id}/submit`, {})).headers.location, `/payments/${firstPayment}`, 'the same payment while it is under way');
    assert.equal((await officer.get(`/console/applications/${id}`)).statusCode, 404, 'not with the department before it is paid');

    await payOnHostedPage(firstPayment, 'cancel');
    await citizen.get(`/payments/${firstPayment}/return`);
    assert.match((await citizen.get(`/applications/${id}`)).body, /Waiting for your payment/);
    const retry = await citizen.submit(`/applications/${id}`, `/applications/${id}/pay`, {});
    const secondPayment = /^\/payments\/([0-9a-f-]{36})$/.exec(retry.headers.location as string)![1]!;
    assert.notEqual(secondPayment, firstPayment, 'a cancelled attempt is followed by a new payment');

    await payOnHostedPage(secondPayment, 'pay');
    await citizen.get(`/payments/${secondPayment}/return`);
    await citizen.get(`/payments/${secondPayment}/return`);
    assert.match((await citizen.get(`/applications/${id}`)).body, /<strong>Submitted<\/strong>/);
    const submittedEvents = await t.db.selectFrom('application_events').select('kind').where('application_id', '=', id).where('kind', '=', 'submitted').execute();
    assert.equal(submittedEvents.length, 1, 'settled once, submitted once');
    const emails = await t.db.selectFrom('outbox_messages').select(['subject', 'body']).where('recipient', '=', person.email).where('subject', 'like', 'Application SG-%').execute();
    assert.equal(emails.length, 1, 'one confirmation email, sent when the payment submitted the application');
    assert.match(emails[0]!.body, /What happens next/);
    assert.equal((await officer.get(`/console/applications/${id}`)).statusCode, 200);
  });
});

/** The payer on the built-in provider's hosted page, as a browser without JavaScript. */
async function payOnHostedPage(paymentId: string, action: 'pay' | 'cancel') {
  const payer = new Client(t.app);
  const hosted = new URL((await payer.get(`/payments/${paymentId}/pay`)).headers.location as string).pathname;
  const done = await payer.submit(hosted, `${hosted}/${action}`, action === 'pay' ? { cardNumber: '4242424242424242' } : {});
  assert.equal(done.statusCode, 303);
}

describe('officers decide', () => {
  async function submitted() {
    const { citizen, id } = await applyAsNewCitizen();
    await citizen.submit(`/applications/${id}/steps/licence`, `/applications/${id}/steps/licence`, { idNumber: 'A123456(3)', licenceType: 'probationary' });
    await citizen.submit(`/applications/${id}/steps/probation`, `/applications/${id}/steps/probation`, { probationEnds: '2027-01-31' });
    await citizen.submit(`/applications/${id}/steps/contact`, `/applications/${id}/steps/contact`, { phone: '91234567', address: 'Flat A, Sample Court' });
    await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
    assert.equal((await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {})).statusCode, 303);
    return { citizen, id };
  }

  test('request information, answer, recommend, approve; the citizen sees every step', async () => {
    const { citizen, id } = await submitted();
    const queue = await officer.get('/console/applications?status=submitted');
    assert.match(queue.body, new RegExp(id));
    const asked = await officer.submit(`/console/applications/${id}`, `/console/applications/${id}/request-information`, { message: 'Please send a copy of your medical certificate.' });
    assert.equal(asked.statusCode, 303);
    const seen = await citizen.get(`/applications/${id}`);
    assert.match(seen.body, /Information needed from you/);
    assert.match(seen.body, /medical certificate/);
    const empty = await citizen.submit(`/applications/${id}`, `/applications/${id}/respond`, { message: '  ' });
    assert.equal(empty.statusCode, 400);
    const waiting = await officer.get(`/console/applications/${id}`);
    assert.match(waiting.body, /Waiting for the applicant&#39;s information/, 'officers read about the applicant, not as the applicant');
    assert.match(waiting.body, /The applicant&#39;s answers/);
    assert.doesNotMatch(waiting.body, /Your answers|from you/);
    assert.match((await officer.get(`/console/applications?status=information_requested`)).body, /Waiting for the applicant&#39;s information/);
    assert.equal((await citizen.submit(`/applications/${id}`, `/applications/${id}/respond`, { message: 'Sent by post on Monday.' })).statusCode, 303);
    assert.match((await citizen.get(`/applications/${id}`)).body, /You sent more information/);
    const answered = await officer.get(`/console/applications/${id}?lang=zh-HK`);
    assert.match(answered.body, /申請人已提供更多資料/);
    assert.match(answered.body, /申請人的答案/);
    assert.doesNotMatch(answered.body, /你的答案|你已提供/);
    assert.equal((await officer.submit(`/console/applications/${id}`, `/console/applications/${id}/recommend`, { message: 'All in order.' })).statusCode, 303);
    assert.equal((await officer.submit(`/console/applications/${id}`, `/console/applications/${id}/decide`, { decision: 'approved' })).statusCode, 403, 'officers do not decide');
    assert.equal((await approver.submit(`/console/applications/${id}`, `/console/applications/${id}/decide`, { decision: 'approved', message: '' })).statusCode, 303);
    const done = await citizen.get(`/applications/${id}`);
    assert.match(done.body, /Approved/);
    const wallet = await citizen.get('/wallet');
    assert.match(wallet.body, /Renew a licence/, 'the approval issued the licence into the wallet');
    const audit = await t.db.selectFrom('audit_log').select('action').where('record_id', '=', id).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['application.started', 'application.submitted', 'application.information_requested', 'application.information_provided', 'application.recommended', 'application.approved']);
    const issued = await t.db.selectFrom('audit_log').select('action').where('action', '=', 'document.issued').where('request_id', 'is not', null).execute();
    assert.ok(issued.length >= 1);
  });

  test('nobody approves their own recommendation; rejection needs reasons; stale actions conflict', async () => {
    const { id } = await submitted();
    const both = await buildStaff(t.db, { organisationId, roles: ['officer', 'approver'] });
    const client = await signInStaff(t.app, both.email, both.password);
    assert.equal((await client.submit(`/console/applications/${id}`, `/console/applications/${id}/recommend`, {})).statusCode, 303);
    assert.equal((await client.submit(`/console/applications/${id}`, `/console/applications/${id}/decide`, { decision: 'approved' })).statusCode, 403);
    assert.equal((await approver.submit(`/console/applications/${id}`, `/console/applications/${id}/decide`, { decision: 'rejected', message: '' })).statusCode, 400);
    assert.equal((await approver.submit(`/console/applications/${id}`, `/console/applications/${id}/decide`, { decision: 'rejected', message: 'Medical certificate missing.' })).statusCode, 303);
    assert.equal((await approver.submit(`/console/applications/${id}`, `/console/applications/${id}/decide`, { decision: 'approved' })).statusCode, 409, 'already decided');
  });

  test("another department's officers find nothing", async () => {
    const { id } = await submitted();
    const outsider = await buildStaff(t.db, { roles: ['officer', 'approver'] });
    const client = await signInStaff(t.app, outsider.email, outsider.password);
    assert.equal((await client.get(`/console/applications/${id}`)).statusCode, 404);
    assert.equal((await client.submit('/console/applications', `/console/applications/${id}/recommend`, {})).statusCode, 404);
    assert.doesNotMatch((await client.get('/console/applications')).body, new RegExp(id));
  });

  test('bad form definitions are refused with the reason', async () => {
    const service = (await admin.json('POST', '/api/v1/services', { slug: uniqueSlug(), category: 'transport', nameEn: 'X', nameZhHk: 'X', summaryEn: '', summaryZhHk: '' })).json();
    const notJson = await admin.submit(`/console/services/${service.id}/form`, `/console/services/${service.id}/form`, { definition: '{steps:' });
    assert.equal(notJson.statusCode, 400);
    assert.match(notJson.body, /is not valid JSON/);
    const backwards = { steps: [{ id: 'a', title: { en: 'A', 'zh-HK': 'A' }, questions: [{ id: 'q', type: 'selection', label: { en: 'Q', 'zh-HK': 'Q' }, required: true }], next: [{ question: 'q', equals: 'x', goto: 'a' }] }] };
    const invalid = await admin.submit(`/console/services/${service.id}/form`, `/console/services/${service.id}/form`, { definition: JSON.stringify(backwards) });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /a selection needs options/);
    assert.match(invalid.body, /not a later step/);
  });
});
