import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { listeningTestApp, type TestApp } from '../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../test/support/factories.ts';
import { buildCitizen } from '../test/support/identity-factories.ts';
import { buildPaymentItem } from '../test/support/payments-factories.ts';
import { checkAccessibility, launchBrowser, newPage } from '../test/support/browser.ts';
import { buildServiceWithForm, uniqueSlug } from '../test/support/services-factories.ts';
import { waitFor } from '../test/support/wait.ts';

// A service whose fee is due on approval, through real pages in Chromium: the department admin sets it on the
// console's service page; the citizen submits without paying; an officer recommends, another person approves; the
// citizen is told the fee is due (application page, Personal Assistant), cancels a first payment on the provider's
// hosted page, pays with a second, and finds the licence in the wallet. The built-in provider's webhooks really
// travel to the listening server here, besides the settlement on return: the licence is issued once all the same.

// Every wait is bounded: the machine may be busy, so generously, but a stuck page fails instead of holding the run.
const WAIT_MS = 30_000;

let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  ({ t, base } = await listeningTestApp());
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

async function openPage(): Promise<Page> {
  const page = await newPage(browser);
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  return page;
}

async function signIn(page: Page, path: string, email: string, password: string) {
  await page.goto(`${base}${path}`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.locator('main button[type=submit]').first().click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
}

/** Clicks what submits a form or follows a link, and waits for the page it leads to. */
async function clickThrough(page: Page, target: ReturnType<Page['getByRole']>, to: RegExp) {
  await target.click();
  await page.waitForURL(to);
}

const mainText = async (page: Page) => (await page.getByRole('main').textContent()) ?? '';
const noViolations = async (page: Page) => assert.deepEqual(await checkAccessibility(page), [], `axe on ${page.url()}`);

const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 400);

const DECLARATION_FORM = { steps: [{ id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration' as const, label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true }] }] };

test('fee due on approval: submitted unpaid, approved, a cancelled payment tried again, paid, licence in the wallet', { timeout: 300_000 }, async (context) => {
  const organisation = await buildOrganisation(t.db, { name: 'Food and Hygiene Department (test)' });
  const item = await buildPaymentItem(t.db, { organisationId: organisation.id, amountCents: 12_000, nameEn: 'Hawker licence fee' });
  const slug = uniqueSlug('hawker');
  const { service } = await buildServiceWithForm(t.db, DECLARATION_FORM, { organisationId: organisation.id, slug, nameEn: 'Hawker licence', feeItemId: item.id, feeCents: 12_000 });
  const admin = await buildStaff(t.db, { organisationId: organisation.id, roles: ['organisation_admin'] });
  const officer = await buildStaff(t.db, { organisationId: organisation.id, roles: ['officer'] });
  const approver = await buildStaff(t.db, { organisationId: organisation.id, roles: ['approver'] });
  const person = await buildCitizen(t.db);

  // The department admin moves the fee to approval on the console's service page.
  const adminPage = await openPage();
  await signIn(adminPage, '/console/sign-in', admin.email, admin.password);
  await adminPage.goto(`${base}/console/services/${service.id}`);
  await adminPage.getByLabel('When the fee is paid').selectOption('approval');
  await clickThrough(adminPage, adminPage.getByRole('button', { name: 'Save', exact: true }), new RegExp(`/console/services/${service.id}$`));
  assert.equal(await adminPage.getByLabel('When the fee is paid').inputValue(), 'approval', 'the setting is kept');
  await adminPage.close();

  // The citizen applies and submits without paying.
  const citizen = await openPage();
  await signIn(citizen, '/account/sign-in', person.email, person.password);
  await citizen.goto(`${base}/services/${slug}`);
  await clickThrough(citizen, citizen.getByRole('button', { name: 'Apply online' }), /\/steps\/declaration$/);
  await citizen.getByLabel(/I declare/).check();
  await clickThrough(citizen, citizen.getByRole('button', { name: 'Continue' }), /\/check$/);
  assert.equal(await citizen.getByRole('button', { name: /Pay HK\$/ }).count(), 0, 'nothing to pay on submission');
  await clickThrough(citizen, citizen.getByRole('button', { name: 'Submit application' }), /\/applications\/[0-9a-f-]{36}$/);
  const applicationUrl = citizen.url();
  const applicationId = applicationUrl.split('/').at(-1)!;
  assert.match(await citizen.getByRole('status').textContent() ?? '', /Application submitted/);
  const confirmation = await mainText(citizen);
  assert.match(confirmation, /Hawker licence: Submitted/);
  assert.equal(await citizen.getByRole('button', { name: /Pay HK\$/ }).count(), 0, 'no payment asked for before approval');
  await context.test('the confirmation says the fee is paid once approved', () => {
    assert.match(confirmation, /(fee|pay).*approv|approv.*(fee|pay)/i, `what the confirmation says: ${oneLine(confirmation)}`);
  });

  // An officer recommends; another person approves.
  const officerPage = await openPage();
  await signIn(officerPage, '/console/sign-in', officer.email, officer.password);
  const staffUrl = `${base}/console/applications/${applicationId}`;
  await officerPage.goto(staffUrl);
  await clickThrough(officerPage, officerPage.getByRole('button', { name: 'Recommend for approval' }), new RegExp(`/console/applications/${applicationId}$`));
  await officerPage.close();
  const approverPage = await openPage();
  await signIn(approverPage, '/console/sign-in', approver.email, approver.password);
  await approverPage.goto(staffUrl);
  await clickThrough(approverPage, approverPage.getByRole('button', { name: 'Approve', exact: true }), new RegExp(`/console/applications/${applicationId}$`));
  assert.match(await mainText(approverPage), /waiting for the fee/i);
  await approverPage.close();

  // The citizen is told on the Personal Assistant and the application page, which is checked with axe.
  await citizen.goto(`${base}/assistant`);
  const due = citizen.getByRole('link', { name: /Hawker licence \(SG-[^)]+\): approved; pay the fee to receive your licence/ });
  await clickThrough(citizen, due, new RegExp(`/applications/${applicationId}$`));
  const dueText = await mainText(citizen);
  assert.match(dueText, /Approved: waiting for the fee/);
  assert.match(dueText, /Pay the fee and your licence is issued to your wallet/);
  await noViolations(citizen);
  const payLabel = await citizen.getByRole('button', { name: /Pay HK\$120\.00/ }).textContent() ?? '';
  await context.test('the pay button of an approved application does not speak of submitting it', () => {
    assert.doesNotMatch(payLabel, /submit/i, `the button says: ${payLabel}`);
  });

  // A first attempt cancelled on the hosted page; the application still waits, and a second attempt pays.
  await clickThrough(citizen, citizen.getByRole('button', { name: /Pay HK\$120\.00/ }), /\/payments\/[0-9a-f-]{36}$/);
  const firstPayment = citizen.url().split('/').at(-1)!;
  await clickThrough(citizen, citizen.getByRole('link', { name: 'Continue to payment' }), /\/pay\/provider\/payments\/[0-9a-f-]{36}$/);
  await clickThrough(citizen, citizen.getByRole('button', { name: 'Cancel', exact: true }), new RegExp(`/payments/${firstPayment}/return$`));
  assert.match(await citizen.getByRole('status').textContent() ?? '', /The payment was cancelled/);
  const wayBack = await citizen.getByRole('main').getByRole('link').evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')]));
  await context.test('the cancelled payment page leads back to the application to try again', () => {
    assert.deepEqual(wayBack, [['Go back to pay again', `/applications/${applicationId}`]], 'the links in its main content');
  });
  await noViolations(citizen);
  // Back the way a citizen finds it: My applications, then the reference.
  await clickThrough(citizen, citizen.getByRole('link', { name: 'My applications' }), /\/applications$/);
  await clickThrough(citizen, citizen.getByRole('link', { name: /^SG-/ }), new RegExp(`/applications/${applicationId}$`));
  assert.match(await mainText(citizen), /Approved: waiting for the fee/, 'a cancelled payment leaves the application waiting');
  await clickThrough(citizen, citizen.getByRole('button', { name: /Pay HK\$120\.00/ }), /\/payments\/[0-9a-f-]{36}$/);
  const secondPayment = citizen.url().split('/').at(-1)!;
  assert.notEqual(secondPayment, firstPayment, 'a new payment after the cancelled one');
  await clickThrough(citizen, citizen.getByRole('link', { name: 'Continue to payment' }), /\/pay\/provider\/payments\/[0-9a-f-]{36}$/);
  await citizen.getByLabel('Card number').fill('4242 4242 4242 4242');
  await clickThrough(citizen, citizen.getByRole('button', { name: 'Pay', exact: true }), new RegExp(`/payments/${secondPayment}/return$`));
  assert.match(await citizen.getByRole('status').textContent() ?? '', /Your payment was received/);

  // Approved and issued once, whether the return or the provider's webhook settled it first.
  const providerPayment = await t.db.selectFrom('payments').select('provider_payment_id').where('id', '=', secondPayment).executeTakeFirstOrThrow();
  await waitFor('the provider delivers its webhooks for the paid attempt', async () => {
    const events = await t.db.selectFrom('provider_webhook_events').select('delivered_at').where('payment_id', '=', providerPayment.provider_payment_id!).execute();
    return events.length > 0 && events.every((e) => e.delivered_at);
  }, { timeoutMs: WAIT_MS });
  await citizen.goto(applicationUrl);
  assert.match(await mainText(citizen), /Hawker licence: Approved/);
  await citizen.goto(`${base}/assistant`);
  assert.doesNotMatch(await mainText(citizen), /pay the fee to receive your licence/);
  await citizen.goto(`${base}/wallet`);
  assert.equal(await citizen.getByRole('link', { name: 'Hawker licence' }).count(), 1, 'one licence in the wallet');
  await clickThrough(citizen, citizen.getByRole('link', { name: 'Hawker licence' }), /\/wallet\/[0-9a-f-]{36}$/);
  assert.ok(await citizen.getByRole('link', { name: 'Public verification page' }).isVisible(), 'the licence can be verified');
  await citizen.close();
});
