import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../test/support/factories.ts';
import { buildCitizen } from '../test/support/identity-factories.ts';
import { buildPaymentItem, freePort } from '../test/support/payments-factories.ts';
import { checkAccessibility, launchBrowser, newPage } from '../test/support/browser.ts';
import { DRIVING_LICENCE_FORM } from '../src/services/sample-form.ts';
import * as store from '../src/services/store.ts';

// The journey of issue 4, through real pages in Chromium: apply with e-ME prefill, pay, answer a request for
// information, get approved, find the licence in the wallet; a visitor verifies it by its QR link.
let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  const port = await freePort();
  t = await createTestApp({ BASE_URL: `http://127.0.0.1:${port}` });
  base = await t.app.listen({ port, host: '127.0.0.1' });
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
  const service = await store.insertService(t.db, {
    organisation_id: organisation.id, slug: 'renew-boat-licence', category: 'transport', status: 'published', name_en: 'Renew a boat licence', name_zh_hk: '續期船隻牌照',
    name_zh_cn: '续期船只牌照', summary_en: 'Renew it online.', summary_zh_hk: '網上續期。', summary_zh_cn: '网上续期。', pledge_working_days: 5, fee_item_id: item.id,
    fee_cents: 25_000, contact_email: null, published_at: new Date(), search_terms: ['boat'],
  });
  await store.makeFormLive(t.db, await store.insertForm(t.db, service.id, DRIVING_LICENCE_FORM));
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
  await citizen.getByLabel(/I declare/).check();
  await citizen.getByRole('button', { name: 'Continue' }).click();
  await noViolations(citizen);
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
