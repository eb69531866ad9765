// A service whose fee is due on approval: the citizen submits without paying; approval waits for the payment, whose
// settlement (on return, by webhook or by reconciliation) approves the application and issues the licence once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, type TestApp } from '../../test/support/app.ts';
import { testLogger } from '../../test/support/database.ts';
import { buildOrganisation, signedInStaff } from '../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';
import { uniqueSlug } from '../../test/support/services-factories.ts';
import { buildPaymentItem, payOnHostedPage, UNREACHABLE_BASE_URL } from '../../test/support/payments-factories.ts';
import { systemContext } from '../platform/context.ts';
import { paymentDeps, reconcilePayments } from '../payments/index.ts';
import type { StaffRole } from '../platform/context.ts';

let t: TestApp;
let admin: Client;
let officer: Client;
let approver: Client;
let slug: string;
let serviceId: string;

const SIMPLE_FORM = { steps: [{ id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true }] }] };

before(async () => {
  t = await createTestApp({ BASE_URL: UNREACHABLE_BASE_URL });
  const organisationId = (await buildOrganisation(t.db)).id;
  const sign = (roles: StaffRole[]) => signedInStaff(t, organisationId, roles);
  [admin, officer, approver] = await Promise.all([sign(['organisation_admin']), sign(['officer']), sign(['approver'])]);
  const item = await buildPaymentItem(t.db, { organisationId, amountCents: 12_000 });
  slug = uniqueSlug('on-approval');
  const created = await admin.json('POST', '/api/v1/services', { slug, category: 'business', nameEn: 'Hawker licence', nameZhHk: '小販牌照', summaryEn: '', summaryZhHk: '', feeItemId: item.id });
  assert.equal(created.json().feeDue, 'submission', 'the default is the existing behaviour');
  serviceId = created.json().id;
  // Set on the console's service page, as a department admin does.
  const edited = await admin.submit(`/console/services/${serviceId}`, `/console/services/${serviceId}`, {
    version: '1', slug, category: 'business', nameEn: 'Hawker licence', nameZhHk: '小販牌照', summaryEn: '', summaryZhHk: '', feeItemId: item.id, feeDue: 'approval',
  });
  assert.equal(edited.statusCode, 303);
  await admin.submit(`/console/services/${serviceId}`, `/console/services/${serviceId}/publish`, { version: '2' });
  await admin.submit(`/console/services/${serviceId}/form`, `/console/services/${serviceId}/form`, { definition: JSON.stringify(SIMPLE_FORM) });
  const formId = /form\/([0-9a-f-]{36})\/publish/.exec((await admin.get(`/console/services/${serviceId}/form`)).body)![1];
  await admin.submit(`/console/services/${serviceId}/form`, `/console/services/${serviceId}/form/${formId}/publish`, {});
});
after(async () => { await t.close(); });

/** A new citizen's application, submitted without paying, recommended and approved. */
async function approvedApplication() {
  const person = await buildCitizen(t.db);
  const citizen = await signInCitizen(t.app, person);
  const started = await citizen.submit(`/services/${slug}`, `/services/${slug}/apply`, {});
  const id = /\/applications\/([0-9a-f-]{36})\//.exec(started.headers.location as string)![1]!;
  await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
  assert.doesNotMatch((await citizen.get(`/applications/${id}/check`)).body, /Pay HK\$/, 'nothing to pay on submission');
  const submitted = await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {});
  assert.equal(submitted.headers.location, `/applications/${id}`, 'submitted without a payment');
  const confirmation = (await citizen.get(`/applications/${id}`)).body;
  assert.match(confirmation, /<strong>Submitted<\/strong>/);
  assert.match(confirmation, /A fee of HK\$120\.00 will be asked for once your application is approved/, 'the confirmation says the fee comes later');
  assert.match((await citizen.get(`/applications/${id}?lang=zh-HK`)).body, /申請獲批准後，你須繳付HK\$120\.00的費用/);
  assert.match((await citizen.get(`/applications/${id}?lang=zh-CN`)).body, /申请获批准后，你须缴付HK\$120\.00的费用/);
  assert.equal((await officer.submit(`/console/applications/${id}`, `/console/applications/${id}/recommend`, {})).statusCode, 303);
  assert.equal((await citizen.submit(`/applications/${id}`, `/applications/${id}/pay`, {})).statusCode, 409, 'nothing to pay before approval');
  assert.equal((await approver.submit(`/console/applications/${id}`, `/console/applications/${id}/decide`, { decision: 'approved' })).statusCode, 303);
  return { person, citizen, id };
}

const documentsFor = async (id: string) => {
  const { reference } = await t.db.selectFrom('applications').select('reference').where('id', '=', id).executeTakeFirstOrThrow();
  return t.db.selectFrom('wallet_documents').select('id').where('source_reference', '=', reference).execute();
};
const statusOf = async (id: string) => (await t.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const payUrlOf = (response: { headers: Record<string, unknown> }) => /^\/payments\/([0-9a-f-]{36})$/.exec(response.headers.location as string)![1]!;

describe('a fee due on approval', () => {
  test('the service setting is audited, shown on the console page, and refused when not one of the two', async () => {
    const audit = await t.db.selectFrom('audit_log').select(['action', 'detail']).where('record_id', '=', serviceId).where('action', '=', 'service.updated').execute();
    assert.equal((audit[0]!.detail as { feeDue: string }).feeDue, 'approval');
    const page = await admin.get(`/console/services/${serviceId}?lang=zh-HK`);
    assert.match(page.body, /繳費時間/);
    assert.match(page.body, /<option value="approval" selected/);
    const bad = await admin.json('PUT', `/api/v1/services/${serviceId}`, { slug, category: 'business', nameEn: 'X', nameZhHk: 'X', summaryEn: '', summaryZhHk: '', feeDue: 'someday', version: 3 });
    assert.equal(bad.statusCode, 400);
  });

  test('approval waits for the payment; the payment approves and issues the licence once; the citizen is told everywhere', async () => {
    const { person, citizen, id } = await approvedApplication();
    assert.equal(await statusOf(id), 'payment_due');
    assert.equal((await documentsFor(id)).length, 0, 'approval before payment issues no licence');
    const page = await citizen.get(`/applications/${id}`);
    assert.match(page.body, /Approved: waiting for the fee/);
    assert.match(page.body, /Pay HK\$120\.00 to receive your licence/);
    assert.doesNotMatch(page.body, /to submit your application|will be asked for once/, 'worded for an approved application');
    assert.match((await citizen.get(`/applications/${id}?lang=zh-HK`)).body, /支付HK\$120\.00以領取牌照/);
    assert.match((await citizen.get('/assistant')).body, /approved; pay the fee to receive your licence/);
    assert.match((await citizen.get('/assistant?lang=zh-HK')).body, /已獲批准，繳費後便會發出牌照/);
    const emails = await t.db.selectFrom('outbox_messages').select(['subject', 'body']).where('recipient', '=', person.email).where('subject', 'like', '%please pay the fee').execute();
    assert.equal(emails.length, 1);
    assert.match(emails[0]!.body, new RegExp(`/applications/${id}`));

    const first = payUrlOf(await citizen.submit(`/applications/${id}`, `/applications/${id}/pay`, {}));
    assert.equal(payUrlOf(await citizen.submit(`/applications/${id}`, `/applications/${id}/pay`, {})), first, 'the same payment while under way (same Idempotency-Key)');
    await payOnHostedPage(t, first, '4242424242424242', 'cancel');
    const cancelled = await citizen.get(`/payments/${first}/return`);
    assert.equal(await statusOf(id), 'payment_due', 'a cancelled payment leaves it waiting');
    assert.match(cancelled.body, new RegExp(`<a href="/applications/${id}">Go back to pay again</a>`), 'the payment page leads back to the application');
    const second = payUrlOf(await citizen.submit(`/applications/${id}`, `/applications/${id}/pay`, {}));
    assert.notEqual(second, first, 'tried again with a new payment');

    await payOnHostedPage(t, second);
    await citizen.get(`/payments/${second}/return`);
    await citizen.get(`/payments/${second}/return`);
    await reconcilePayments(paymentDeps({ config: t.config, db: t.db, logger: testLogger }), systemContext('test'), { olderThanMinutes: 0 });
    assert.equal(await statusOf(id), 'approved');
    assert.equal((await documentsFor(id)).length, 1, 'settled once, one licence');
    const approvedEvents = await t.db.selectFrom('application_events').select('kind').where('application_id', '=', id).where('kind', '=', 'approved').execute();
    assert.equal(approvedEvents.length, 1);
    assert.match((await citizen.get('/wallet')).body, /Hawker licence/);
    assert.doesNotMatch((await citizen.get('/assistant')).body, /pay the fee to receive/);
    assert.equal((await citizen.submit(`/applications/${id}`, `/applications/${id}/pay`, {})).statusCode, 409, 'nothing left to pay');
    const audit = await t.db.selectFrom('audit_log').select('action').where('record_id', '=', id).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => a.action), ['application.started', 'application.submitted', 'application.recommended', 'application.payment_due', 'application.approved']);
  });

  test('a payer who never comes back is settled by reconciliation', async () => {
    const { citizen, id } = await approvedApplication();
    const payment = payUrlOf(await citizen.submit(`/applications/${id}`, `/applications/${id}/pay`, {}));
    await payOnHostedPage(t, payment);
    assert.equal(await statusOf(id), 'payment_due', 'the webhook cannot reach us and the payer has not returned');
    await reconcilePayments(paymentDeps({ config: t.config, db: t.db, logger: testLogger }), systemContext('test'), { olderThanMinutes: 0 });
    assert.equal(await statusOf(id), 'approved');
    assert.equal((await documentsFor(id)).length, 1);
  });

  test('another citizen can neither see nor pay it, indistinguishable from not found', async () => {
    const { id } = await approvedApplication();
    const other = await signInCitizen(t.app, await buildCitizen(t.db));
    assert.equal((await other.get(`/applications/${id}`)).statusCode, 404);
    assert.equal((await other.submit('/applications', `/applications/${id}/pay`, {})).statusCode, 404);
    assert.equal((await other.submit('/applications', `/applications/${crypto.randomUUID()}/pay`, {})).statusCode, 404);
    assert.equal(await statusOf(id), 'payment_due');
    assert.equal((await documentsFor(id)).length, 0);
  });
});
