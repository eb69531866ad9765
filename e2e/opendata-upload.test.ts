import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../test/support/factories.ts';
import { buildDataset } from '../test/support/opendata-factories.ts';
import { checkAccessibility, launchBrowser, newPage } from '../test/support/browser.ts';

// A publisher uploads a multi-megabyte CSV: with JavaScript a progress bar and a live status follow the upload,
// then the confirmation; without JavaScript the same form posts as usual and ends at the same confirmation.
let t: TestApp;
let browser: Browser;
let base: string;
let folder: string;
let csvPath: string;
const ROWS = 60_000;

before(async () => {
  t = await createTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  folder = await mkdtemp(path.join(os.tmpdir(), 'opendata-upload-'));
  csvPath = path.join(folder, 'air-quality.csv');
  const lines = Array.from({ length: ROWS }, (_, i) => `station-${i % 16},2026-11-${String((i % 28) + 1).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00,${(i * 7) % 180},sample reading ${i}`);
  await writeFile(csvPath, `station,hour,aqhi_pm25,note\n${lines.join('\n')}\n`);
});
after(async () => {
  await browser?.close();
  await t?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function signedInPublisher(javaScriptEnabled: boolean): Promise<{ page: Page; datasetPage: string }> {
  const organisation = await buildOrganisation(t.db);
  const dataset = await buildDataset(t.db, { organisationId: organisation.id });
  const officer = await buildStaff(t.db, { organisationId: organisation.id, roles: ['officer'] });
  const page = await newPage(browser, { javaScriptEnabled });
  const datasetPage = `${base}/console/opendata/${dataset.id}`;
  await page.goto(datasetPage);
  await page.getByLabel('Work email address').fill(officer.email);
  await page.getByLabel('Password').fill(officer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal(page.url(), datasetPage);
  await page.getByLabel('Resource name in English').first().fill('Hourly readings');
  await page.getByLabel('Resource name in Traditional Chinese').first().fill('每小時讀數');
  await page.getByLabel('File', { exact: true }).setInputFiles(csvPath);
  return { page, datasetPage };
}

async function assertConfirmation(page: Page) {
  await page.waitForURL(/\?uploaded=[0-9a-f-]{36}$/);
  const notice = page.locator('.notice[role="status"]');
  assert.match((await notice.textContent()) ?? '', /File uploaded.*air-quality\.csv \(\d+\.\d MB\) is published\..*60,000 rows can be queried/s);
}

describe('uploading a large file in a real browser', () => {
  test('with JavaScript: a progress bar and a live status follow the upload, then the confirmation', async () => {
    const { page } = await signedInPublisher(true);
    assert.deepEqual(await checkAccessibility(page), []);
    // Slow the upload down (Chromium's own throttling) so that it takes several progress events.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
    // Record what the page shows while it uploads; the records survive the navigation to the confirmation.
    const shown: { value: number; status: string }[] = [];
    await page.exposeFunction('recordProgress', (value: number, status: string) => { shown.push({ value, status }); });
    // (A string, not a function: the test runner's compiler would add helpers the page does not have.)
    await page.evaluate(`(() => {
      const block = document.querySelector('form[action$="/uploads"] [data-upload-progress]');
      const record = () => window.recordProgress(
        block.querySelector('.upload-progress-bar').hidden ? -1 : Number(block.querySelector('progress').value),
        block.querySelector('[role="status"]').textContent);
      new MutationObserver(record).observe(block, { subtree: true, attributes: true, childList: true, characterData: true });
      // <progress>.value is a property, not an attribute: sample it on every upload event too.
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (body) {
        this.upload.addEventListener('progress', () => setTimeout(record));
        return send.call(this, body);
      };
    })()`);
    await page.getByRole('button', { name: 'Upload file' }).click();
    await assertConfirmation(page);
    assert.deepEqual(await checkAccessibility(page), []);
    const sending = shown.filter((s) => /^Uploading: \d+% sent$/.test(s.status));
    assert.ok(sending.length >= 2, `the live status followed the upload: ${JSON.stringify(shown.map((s) => s.status))}`);
    assert.ok(shown.some((s) => s.value > 0 && s.value < 100), `the bar moved: ${JSON.stringify(shown.map((s) => s.value))}`);
    assert.ok(shown.some((s) => s.status === 'File sent. Checking and publishing it…'));
    await page.close();
  });

  test('without JavaScript the same form uploads the file and shows the same confirmation', async () => {
    const { page } = await signedInPublisher(false);
    assert.equal(await page.locator('.upload-progress-bar[hidden]').count(), 1, 'the bar stays hidden without the script');
    await page.getByRole('button', { name: 'Upload file' }).click();
    await assertConfirmation(page);
    await page.close();
  });

  test('with JavaScript, a refused upload shows the error summary in place, focused, and the form still has its progress bar', async () => {
    const { page, datasetPage } = await signedInPublisher(true);
    await page.getByLabel('Format').first().selectOption('PDF');
    await page.getByRole('button', { name: 'Upload file' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    assert.match((await summary.textContent()) ?? '', /PDF/);
    assert.equal(await page.evaluate('document.activeElement.className'), 'error-summary');
    assert.equal(page.url(), datasetPage);
    assert.equal(await page.locator('form[action$="/uploads"][data-progress-ready]').count(), 1);
    assert.deepEqual(await checkAccessibility(page), []);
    await page.close();
  });
});
