import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { createTestApp, type TestApp } from '../test/support/app.ts';
import { buildStaff } from '../test/support/factories.ts';
import { checkAccessibility, launchBrowser, newPage } from '../test/support/browser.ts';

// The journey a person takes through the foundation: portal, language, lite mode, staff sign-in, console, audit log.
let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  t = await createTestApp();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

describe('portal and console in a real browser', () => {
  test('the home page switches language and lite mode, remembers both, and passes axe each way', async () => {
    const page = await newPage(browser);
    await page.goto(`${base}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.deepEqual(await checkAccessibility(page), []);

    await page.getByRole('link', { name: '繁體中文' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-HK');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '政府服務，一站辦妥');
    assert.deepEqual(await checkAccessibility(page), []);

    await page.getByRole('link', { name: '长者模式' }).or(page.getByRole('link', { name: '長者模式' })).click();
    assert.match((await page.getAttribute('body', 'class')) ?? '', /\blite\b/);
    const size = await page.evaluate<string>('getComputedStyle(document.body).fontSize');
    assert.equal(size, '22px');
    assert.deepEqual(await checkAccessibility(page), []);

    await page.getByRole('link', { name: '简体中文' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '政府服务，一站办妥');
    await page.goto(`${base}/console/sign-in`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'the language choice is remembered');
    assert.match((await page.getAttribute('body', 'class')) ?? '', /\blite\b/, 'lite mode is remembered');
    assert.deepEqual(await checkAccessibility(page), []);
    await page.close();
  });

  test('pages name their own icon, which is served (browsers otherwise ask for /favicon.ico and get a 404)', async () => {
    const page = await newPage(browser);
    const failed: string[] = [];
    page.on('response', (response) => { if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`); });
    await page.goto(`${base}/`, { waitUntil: 'networkidle' });
    const icon = await page.evaluate<string | undefined>('document.querySelector("link[rel=icon]")?.href');
    assert.equal(icon, `${base}/assets/favicon.svg`);
    const served = await page.request.get(icon);
    assert.equal(served.status(), 200);
    assert.match(served.headers()['content-type'] ?? '', /^image\/svg\+xml/);
    assert.deepEqual(failed, []);
    await page.close();
  });

  test('a platform admin signs in with the keyboard-accessible form, sees the console and the audit log', async () => {
    const admin = await buildStaff(t.db, { roles: ['platform_admin'], name: 'Chan Tai Man' });
    const page = await newPage(browser);
    await page.goto(`${base}/console/audit`);
    assert.equal(new URL(page.url()).pathname, '/console/sign-in', 'signed-out visitors are sent to sign in');

    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(await page.getByRole('alert').getByRole('link').count(), 2, 'the error summary links to both fields');
    assert.deepEqual(await checkAccessibility(page), []);

    await page.getByLabel('Work email address').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(new URL(page.url()).pathname, '/console/audit', 'back where they were going');
    assert.ok(await page.getByRole('cell', { name: 'staff.signed_in' }).count());
    assert.deepEqual(await checkAccessibility(page), []);

    await page.goto(`${base}/console`);
    assert.match(await page.getByRole('main').textContent() ?? '', /Chan Tai Man/);
    assert.deepEqual(await checkAccessibility(page), []);

    await page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(new URL(page.url()).pathname, '/console/sign-in');
    await page.close();
  });

  test('error pages pass axe and work on a phone-sized screen', async () => {
    const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
    const response = await page.goto(`${base}/no/such/page`);
    assert.equal(response?.status(), 404);
    assert.deepEqual(await checkAccessibility(page), []);
    const overflow = await page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');
    assert.equal(overflow, false, 'no horizontal scrolling');
    await page.close();
  });
});
