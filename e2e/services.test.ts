import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { listeningTestApp, type TestApp } from '../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../test/support/factories.ts';
import { buildCitizen } from '../test/support/identity-factories.ts';
import { buildPaymentItem } from '../test/support/payments-factories.ts';
import { checkAccessibility, launchBrowser, newPage } from '../test/support/browser.ts';
import { buildServiceWithForm, SAMPLE_FILES } from '../test/support/services-factories.ts';
import { DRIVING_LICENCE_FORM } from '../src/services/sample-form.ts';

// The journey of issue 4, through real pages in Chromium: apply with e-ME prefill and a file, pay, answer a request for
// information, get approved, find the licence in the wallet; a visitor verifies it by its QR link. And the structured
// form editor that departments build such forms with.

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

async function signIn(page: Page, path: string, email: string, password: string) {
  await page.goto(`${base}${path}`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.locator('main button[type=submit]').first().click();
}

const noViolations = async (page: Page) => assert.deepEqual(await checkAccessibility(page), [], `axe on ${page.url()}`);

test('apply, pay, answer, approved, licence in the wallet, verified by a visitor', async () => {
  const organisation = await buildOrganisation(t.db, { name: 'Marine Department (test)' });
  const item = await buildPaymentItem(t.db, { organisationId: organisation.id, amountCents: 25_000 });
  await buildServiceWithForm(t.db, DRIVING_LICENCE_FORM, { organisationId: organisation.id, slug: 'renew-boat-licence', nameEn: 'Renew a boat licence', feeItemId: item.id, feeCents: 25_000 });
  const officer = await buildStaff(t.db, { organisationId: organisation.id, roles: ['officer'] });
  const approver = await buildStaff(t.db, { organisationId: organisation.id, roles: ['approver'] });
  const person = await buildCitizen(t.db, { profile: { name_en: 'CHAN, Tai Man', phone: '+852 6123 4567', correspondence_address: '1 Harbour Road' } });

  const citizen = await newPage(browser);
  await signIn(citizen, '/account/sign-in', person.email, person.password);
  await citizen.goto(`${base}/services/renew-boat-licence`);
  await noViolations(citizen);
  await citizen.getByRole('button', { name: 'Apply online' }).click();
  assert.match(citizen.url(), /\/prefill$/);
  await noViolations(citizen);
  await citizen.getByLabel(/Phone number/).check();
  await citizen.getByLabel(/Correspondence address/).check();
  await citizen.getByRole('button', { name: 'Continue' }).click();

  await citizen.getByRole('button', { name: 'Continue' }).click();
  assert.ok(await citizen.getByRole('alert').isVisible(), 'an error summary on an empty step');
  await noViolations(citizen);
  await citizen.getByLabel('Identity card number').fill('A123456(3)');
  await citizen.getByLabel('Full licence').check();
  await citizen.getByRole('button', { name: 'Continue' }).click();
  assert.equal(await citizen.getByLabel('Mobile number').inputValue(), '+852 6123 4567', 'prefilled from e-ME');
  assert.equal(await citizen.getByLabel('Address for the new licence').inputValue(), '1 Harbour Road');
  await citizen.getByRole('button', { name: 'Continue' }).click();

  // A file: its type is judged by its content, so a PNG named .pdf is refused with a clear message.
  await citizen.getByLabel('A recent photograph').setInputFiles({ name: 'photo.pdf', mimeType: 'application/pdf', buffer: SAMPLE_FILES.png });
  await citizen.getByRole('button', { name: 'Continue' }).click();
  assert.match(await citizen.getByRole('alert').textContent() ?? '', /named as another type than it is/);
  await noViolations(citizen);
  await citizen.getByLabel('A recent photograph').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: SAMPLE_FILES.png });
  await citizen.getByRole('button', { name: 'Continue' }).click();
  await citizen.getByLabel(/I declare/).check();
  await citizen.getByRole('button', { name: 'Continue' }).click();
  await noViolations(citizen);
  assert.ok(await citizen.getByRole('link', { name: 'photo.png' }).isVisible(), 'the file is on check answers');
  await citizen.getByRole('button', { name: /Pay HK\$250\.00 and submit/ }).click();

  const paymentId = /\/payments\/([0-9a-f-]{36})/.exec(citizen.url())![1];
  await citizen.goto(`${base}/payments/${paymentId}/pay`);
  await citizen.locator('input[name=cardNumber]').fill('4242 4242 4242 4242');
  await citizen.locator('main button[type=submit]').first().click();
  await citizen.goto(`${base}/applications`);
  await citizen.getByRole('link', { name: /SG-/ }).click();
  assert.match(await citizen.getByRole('main').textContent() ?? '', /Submitted/);
  const applicationUrl = citizen.url();

  const staffPage = await newPage(browser);
  await signIn(staffPage, '/console/sign-in', officer.email, officer.password);
  await staffPage.goto(`${base}/console/applications`);
  await noViolations(staffPage);
  await staffPage.getByRole('link', { name: /SG-/ }).click();
  const fileHref = await staffPage.getByRole('link', { name: 'photo.png' }).getAttribute('href');
  const download = await staffPage.request.get(`${base}${fileHref}`);
  assert.equal(download.status(), 200);
  assert.equal(download.headers()['content-type'], 'image/png');
  assert.deepEqual(await download.body(), SAMPLE_FILES.png, 'the officer downloads the file the citizen attached');
  await staffPage.getByLabel(/What you need and why/).fill('Please confirm the vessel name.');
  await staffPage.getByRole('button', { name: 'Ask the applicant for more information' }).click();

  await citizen.goto(applicationUrl);
  await noViolations(citizen);
  await citizen.getByLabel('Your reply to the department').fill('The vessel is called Sample Star.');
  await citizen.getByRole('button', { name: 'Send the information' }).click();

  await staffPage.reload();
  await staffPage.getByRole('button', { name: 'Recommend for approval' }).click();
  const approverPage = await newPage(browser);
  await signIn(approverPage, '/console/sign-in', approver.email, approver.password);
  await approverPage.goto(staffPage.url());
  await noViolations(approverPage);
  await approverPage.getByRole('button', { name: 'Approve' }).click();

  await citizen.goto(`${base}/wallet`);
  await noViolations(citizen);
  await citizen.getByRole('link', { name: 'Renew a boat licence' }).click();
  const verifyHref = await citizen.getByRole('link', { name: 'Public verification page' }).getAttribute('href');

  const visitor = await newPage(browser);
  await visitor.goto(`${base}${verifyHref}`);
  assert.match(await visitor.getByRole('status').textContent() ?? '', /This document is valid/);
  assert.match(await visitor.getByRole('main').textContent() ?? '', /CHAN, T\*\* M\*\*/);
  await noViolations(visitor);
  for (const page of [citizen, staffPage, approverPage, visitor]) await page.close();
});

test('a department admin adds a file question with the structured editor, sees it in the preview, and makes the form live', async () => {
  const organisation = await buildOrganisation(t.db, { name: 'Marine Department (editor test)' });
  const { service } = await buildServiceWithForm(t.db, DRIVING_LICENCE_FORM, { organisationId: organisation.id, nameEn: 'Register a pleasure vessel' });
  const admin = await buildStaff(t.db, { organisationId: organisation.id, roles: ['organisation_admin'] });
  const page = await newPage(browser);
  await signIn(page, '/console/sign-in', admin.email, admin.password);
  await page.goto(`${base}/console/services/${service.id}/form`);
  await noViolations(page);

  await page.getByRole('button', { name: 'Add a question to step 5' }).click();
  assert.match(page.url(), /\/steps\/declaration\/questions\/question\d+$/);
  await page.getByLabel('Type of answer').selectOption('file');
  await page.getByLabel('Question (English)').fill('Proof of ownership');
  await page.getByLabel('Question (Traditional Chinese)').fill('擁有權證明');
  await page.getByLabel('An answer is required').check();
  await page.getByRole('button', { name: 'Save to the draft' }).click();
  const preview = page.getByRole('region', { name: /Preview/ });
  assert.equal(await preview.locator('input[type=file]').count(), 1, 'the preview shows the file question as citizens see it');
  assert.match(await preview.textContent() ?? '', /Proof of ownership/);
  await noViolations(page);

  await page.getByLabel('Question (English)').fill('');
  await page.getByRole('button', { name: 'Save to the draft' }).click();
  assert.match(await page.getByRole('alert').textContent() ?? '', /Fill in "Question \(English\)"/);
  await noViolations(page);

  await page.getByRole('link', { name: 'Back to the form editor' }).click();
  await page.getByRole('button', { name: 'Move up Proof of ownership' }).click();
  await page.getByRole('link', { name: 'Edit step 1' }).click();
  await noViolations(page);
  await page.getByRole('link', { name: 'Back to the form editor' }).click();
  await page.getByRole('button', { name: 'Make version 2 live' }).click();
  assert.match(await page.getByRole('main').textContent() ?? '', /v2: Published/);
  await page.close();
});
