import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import type { TestApp } from '../test/support/app.ts';
import { listeningTestApp } from '../test/support/app.ts';
import { checkAccessibility, launchBrowser, newPage } from '../test/support/browser.ts';
import { registerClient } from '../src/identity/index.ts';
import { systemContext } from '../src/platform/context.ts';

// The citizen's journey in Chromium: register with an emailed code, add a passkey (Chromium's virtual
// authenticator, through the DevTools protocol), sign out, sign in with the passkey at a service's request,
// consent, and find the service under Connected services. WebAuthn needs a domain, hence http://localhost.
const REDIRECT = 'http://127.0.0.1:9/callback';
let t: TestApp;
let browser: Browser;
let base: string;

before(async () => {
  ({ t, base } = await listeningTestApp('localhost'));
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

describe('iAM Smart in a real browser', () => {
  test('register, add a passkey, sign in with it to a service, consent, see the connected service', async () => {
    const page = await newPage(browser);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true } });

    const email = 'browser.citizen@example.test';
    await page.goto(`${base}/account/register`);
    assert.deepEqual(await checkAccessibility(page), []);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send the code' }).click();
    const mail = await t.db.selectFrom('outbox_messages').select('subject').where('recipient', '=', email).executeTakeFirstOrThrow();
    await page.getByLabel('Code we sent you').fill(/(\d{6})/.exec(mail.subject!)![1]!);
    await page.getByLabel('Choose a password').fill('a long enough password');
    await page.getByRole('button', { name: 'Create the account' }).click();
    assert.match(page.url(), /\/account\/security$/);

    await page.goto(`${base}/account/passkeys`);
    assert.deepEqual(await checkAccessibility(page), []);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(/added=1/);
    assert.match(await page.locator('.passkeys').textContent() ?? '', /Passkey added/);

    await page.goto(`${base}/account/devices`);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    assert.match(page.url(), /\/account\/sign-in$/);

    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
    const { clientId } = await registerClient(t.db, systemContext('test'), { clientName: 'Browser Library (test)', purpose: 'To issue your library card.', redirectUris: [REDIRECT], jwks: { keys: [jwk as Record<string, unknown>] } });
    const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [REDIRECT] }, oidc.PrivateKeyJwt(privateKey), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'openid profile email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', acr_values: 'urn:smartgov:loa:multi-factor' });

    let callback = '';
    await page.route(`${REDIRECT}**`, async (route) => { callback = route.request().url(); await route.fulfill({ status: 200, body: 'service' }); });
    await page.setViewportSize({ width: 375, height: 740 });
    await page.goto(url.href);
    assert.match(page.url(), /\/account\/sign-in/);
    assert.deepEqual(await checkAccessibility(page), [], 'the sign-in page on a phone-sized screen');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: /Share your details with Browser Library/ }).waitFor();
    assert.deepEqual(await checkAccessibility(page), []);
    await page.getByRole('button', { name: 'Allow and continue' }).click();
    await page.waitForURL(`${REDIRECT}**`);

    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier });
    assert.equal(tokens.claims()!.acr, 'urn:smartgov:loa:multi-factor', 'a passkey with user verification is multi-factor');
    assert.deepEqual(tokens.claims()!.amr, ['hwk', 'user']);

    await page.goto(`${base}/account/profile?lang=zh-HK`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-HK');
    assert.deepEqual(await checkAccessibility(page), []);
    await page.goto(`${base}/account/services?lang=en`);
    assert.match(await page.locator('main').textContent() ?? '', /Browser Library \(test\)/);
    assert.deepEqual(await checkAccessibility(page), []);
  });
});
