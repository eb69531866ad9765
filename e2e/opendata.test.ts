import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../test/support/app.ts';
import { withSampleOpenData } from '../test/support/opendata-factories.ts';
import { buildOrganisation, buildStaff } from '../test/support/factories.ts';
import { checkAccessibility, launchBrowser, newPage } from '../test/support/browser.ts';

// The open data journey: a publisher uploads a CSV in the console; a citizen finds it by a Chinese keyword,
// previews the table, downloads the file, and the dataset page counts the download.
let t: TestApp;
let browser: Browser;
let base: string;
let folder: string;

before(async () => {
  t = await createTestApp();
  await withSampleOpenData(t);
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
  folder = await mkdtemp(path.join(os.tmpdir(), 'opendata-e2e-'));
});
after(async () => {
  await browser?.close();
  await t?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('open data in a real browser', () => {
  test('a publisher uploads a CSV; a citizen finds it in Chinese, previews, downloads it and the count goes up', async () => {
    const organisation = await buildOrganisation(t.db);
    const officer = await buildStaff(t.db, { organisationId: organisation.id, roles: ['officer'] });
    const csvPath = path.join(folder, 'cycle-parking.csv');
    await writeFile(csvPath, 'site,district,spaces\n樣本單車停泊處甲,沙田,120\n樣本單車停泊處乙,大埔,80\n');

    const publisher = await newPage(browser);
    await publisher.goto(`${base}/console/opendata/new`);
    await publisher.getByLabel('Work email address').fill(officer.email);
    await publisher.getByLabel('Password').fill(officer.password);
    await publisher.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(new URL(publisher.url()).pathname, '/console/opendata/new');
    assert.deepEqual(await checkAccessibility(publisher), []);
    await publisher.getByLabel('Short name (used in web addresses)').fill('cycle-parking');
    await publisher.getByLabel('Title in English').fill('Bicycle parking spaces');
    await publisher.getByLabel('Title in Traditional Chinese').fill('單車停泊位');
    await publisher.getByLabel('Description in English').fill('Public bicycle parking sites and their spaces.');
    await publisher.getByLabel('Description in Traditional Chinese').fill('公眾單車停泊處及車位數目。');
    await publisher.getByLabel('Tags, separated by commas').fill('cycling, 單車');
    await publisher.getByRole('button', { name: 'Save dataset' }).click();
    assert.match(new URL(publisher.url()).pathname, /^\/console\/opendata\/[0-9a-f-]{36}$/);
    assert.deepEqual(await checkAccessibility(publisher), []);
    await publisher.getByLabel('Resource name in English').first().fill('Sites');
    await publisher.getByLabel('Resource name in Traditional Chinese').first().fill('地點');
    await publisher.getByLabel('File', { exact: true }).setInputFiles(csvPath);
    await publisher.getByRole('button', { name: 'Upload file' }).click();
    assert.match(await publisher.content(), /Sites \(CSV/);
    await publisher.close();

    const citizen = await newPage(browser, { locale: 'zh-CN' });
    await citizen.goto(`${base}/opendata`);
    assert.equal(await citizen.getAttribute('html', 'lang'), 'zh-CN');
    assert.deepEqual(await checkAccessibility(citizen), []);
    await citizen.getByLabel('搜寻资料集').or(citizen.getByLabel('搜尋資料集')).fill('单车');
    await citizen.getByRole('button', { name: '搜寻' }).or(citizen.getByRole('button', { name: '搜尋' })).click();
    await citizen.getByRole('link', { name: '单车停泊位' }).click();
    assert.deepEqual(await checkAccessibility(citizen), []);
    const counts = citizen.locator('td.download-count');
    assert.equal((await counts.textContent())?.trim(), '0 / 0');

    await citizen.getByRole('link', { name: /预览表格|預覽表格/ }).click();
    assert.match(await citizen.content(), /樣本單車停泊處乙/);
    assert.deepEqual(await checkAccessibility(citizen), []);
    await citizen.goBack();

    const [download] = await Promise.all([citizen.waitForEvent('download'), citizen.getByRole('link', { name: /下载|下載/ }).click()]);
    const saved = path.join(folder, 'downloaded.csv');
    await download.saveAs(saved);
    assert.equal(download.suggestedFilename(), 'cycle-parking.csv');
    await citizen.reload();
    assert.equal((await citizen.locator('td.download-count').textContent())?.trim(), '1 / 1');
    await citizen.close();
  });

  test('the sample spatial layer has a map preview; dataset and search pages pass axe in lite mode', async () => {
    const page = await newPage(browser);
    await page.goto(`${base}/preferences/lite/on?return=%2Fopendata`);
    await page.goto(`${base}/opendata?q=survey`);
    assert.match((await page.getAttribute('body', 'class')) ?? '', /\blite\b/);
    assert.deepEqual(await checkAccessibility(page), []);
    // Each check waits for the page the click leads to: a click returns before its navigation ends, and a check made
    // at once could see the page before (CI once counted no map on it).
    await page.getByRole('link', { name: 'Survey control stations (sample)' }).click();
    await page.waitForURL(/\/opendata\/datasets\//);
    assert.deepEqual(await checkAccessibility(page), []);
    await page.getByRole('link', { name: /Preview table/ }).click();
    await page.waitForURL(/\/opendata\/resources\/[0-9a-f-]{36}\/preview/);
    assert.equal(await page.getByRole('img', { name: /Map of Control stations/ }).count(), 1);
    assert.deepEqual(await checkAccessibility(page), []);
    await page.close();
  });
});
