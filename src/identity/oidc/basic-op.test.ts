import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { TestApp } from '../../../test/support/app.ts';
import { listeningTestApp } from '../../../test/support/app.ts';
import { authorizeInBrowser, Browser, buildCitizen, privateKeyJwtClient, RP_REDIRECT, signInCitizen } from '../../../test/support/identity-factories.ts';
import { testLogger } from '../../../test/support/database.ts';
import { buildApp } from '../../app.ts';
import { systemContext } from '../../platform/context.ts';
import { ACR } from '../assurance.ts';
import { encryptDocument } from '../proofing.ts';
import { registerClient } from './clients.ts';

// Mirrors the OpenID Foundation conformance suite's Basic OP module (the suite itself needs Docker): openid-client
// drives the provider as a real relying party over HTTP on 127.0.0.1.

let t: TestApp;
let base: string;
before(async () => { ({ t, base } = await listeningTestApp()); });
after(async () => { await t.close(); });

describe('Basic OP', () => {
  test('oidcc-server: PAR + PKCE, sign-in, consent, private_key_jwt code exchange, ID token, userinfo, refresh, logout', async () => {
    const citizen = await buildCitizen(t.db, { profile: { name_en: 'CHAN, Tai Man', date_of_birth: '1990-05-01' } });
    const { config } = await privateKeyJwtClient(t, base);
    const browser = new Browser(base);
    const { callback, verifier, state, seen } = await authorizeInBrowser(config, browser, citizen);
    assert.deepEqual(seen.map((p) => p.replace(/authorize\/.*/, 'authorize')), ['/account/sign-in', '/account/authorize']);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const claims = tokens.claims()!;
    assert.equal(claims.acr, ACR.basic);
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(typeof claims.auth_time, 'number');
    assert.notEqual(claims.sub, citizen.id, 'the subject is pairwise, never the account id');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.name, 'CHAN, Tai Man');
    assert.equal(userinfo.email, citizen.email);
    assert.equal(userinfo.email_verified, true);
    assert.equal(userinfo.birthdate, '1990-05-01');
    assert.ok(tokens.refresh_token);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token);
    assert.equal((await oidc.fetchUserInfo(config, refreshed.access_token, claims.sub)).sub, claims.sub);

    // A second sign-in to the same service: the grant is remembered, so no consent screen.
    const again = await authorizeInBrowser(config, browser, citizen);
    assert.deepEqual(again.seen, []);

    const logout = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out' });
    const confirm = await browser.follow(logout.href, 'http://127.0.0.1:9/');
    const form = await browser.fetch(new URL('/oidc/session/end/confirm', base).href, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf: /name="xsrf" value="([^"]+)"/.exec(confirm.body)![1]!, logout: 'yes' }).toString(),
    });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get('location'), 'http://127.0.0.1:9/signed-out');
    assert.equal((await browser.fetch('/account')).status, 303, 'signing out at the provider ends the smartgov session');
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, claims.sub), 'tokens end with the session');
    const signedIn = await signInCitizen(t.app, citizen);
    assert.match((await signedIn.get('/account/services')).body, /Test Library \(test\)/, 'the permission itself is still remembered');
  });

  test('oidcc-client-secret-basic, and a second process (or a restart) honours what the first issued', async () => {
    const citizen = await buildCitizen(t.db);
    const { clientId, clientSecret } = await registerClient(t.db, systemContext('test'), { clientName: 'Secret Client (test)', purpose: 'Testing.', redirectUris: [RP_REDIRECT] });
    const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [RP_REDIRECT] }, oidc.ClientSecretBasic(clientSecret), { execute: [oidc.allowInsecureRequests] });
    const { callback, verifier, state } = await authorizeInBrowser(config, new Browser(base), citizen);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const second = await buildApp({ config: t.config, db: t.db, logger: testLogger });
    try {
      const userinfo = await second.inject({ method: 'GET', url: '/oidc/me', headers: { authorization: `Bearer ${tokens.access_token}`, host: new URL(base).host } });
      assert.equal(userinfo.statusCode, 200);
      assert.equal(userinfo.json().sub, tokens.claims()!.sub);
    } finally {
      await second.close();
    }
    const wrongSecret = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [RP_REDIRECT] }, oidc.ClientSecretBasic('not the secret'), { execute: [oidc.allowInsecureRequests] });
    await assert.rejects(oidc.refreshTokenGrant(wrongSecret, tokens.refresh_token!), (e: { cause?: { parameters?: { error?: string } }[] }) => e.cause?.[0]?.parameters?.error === 'invalid_client');
  });

  test('DPoP: tokens bound to the relying party\'s key are useless without it', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient(t, base);
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: RP_REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, { DPoP });
    const browser = new Browser(base);
    let page = await browser.follow(url.href, RP_REDIRECT);
    page = await browser.submit(page, { email: citizen.email, password: citizen.password }, RP_REDIRECT);
    page = await browser.submit(page, { decision: 'allow' }, RP_REDIRECT);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier }, undefined, { DPoP });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.equal((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub, { DPoP })).email, citizen.email);
    const stolen = await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(stolen.status, 401);
  });

  test('oidcc-pairwise: a second service gets a different sub for the same person', async () => {
    const citizen = await buildCitizen(t.db);
    const browser = new Browser(base);
    const subs: string[] = [];
    for (const name of ['Service A (test)', 'Service B (test)']) {
      const { config } = await privateKeyJwtClient(t, base, name);
      const { callback, verifier, state } = await authorizeInBrowser(config, browser, citizen);
      subs.push((await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state })).claims()!.sub);
    }
    assert.notEqual(subs[0], subs[1]);
  });

  test('oidcc-acr-values: a higher level triggers step-up with the second factor; an unreachable one is an error', async () => {
    const citizen = await buildCitizen(t.db, { totp: true });
    const { config } = await privateKeyJwtClient(t, base);
    const browser = new Browser(base);
    // A basic sign-in first: as if two-step verification were turned on only afterwards.
    await t.db.updateTable('citizens').set({ totp_secret: null }).where('id', '=', citizen.id).execute();
    const basic = await authorizeInBrowser(config, browser, citizen);
    assert.equal((await oidc.authorizationCodeGrant(config, basic.callback, { pkceCodeVerifier: basic.verifier, expectedState: basic.state })).claims()!.acr, ACR.basic);
    await t.db.updateTable('citizens').set({ totp_secret: citizen.totp_secret }).where('id', '=', citizen.id).execute();
    const sessionBefore = browser.cookies.get('sg_citizen');

    const stepUp = await authorizeInBrowser(config, browser, citizen, { acr_values: ACR.multiFactor });
    assert.deepEqual(stepUp.seen, ['/account/sign-in', '/account/sign-in/code']);
    assert.notEqual(browser.cookies.get('sg_citizen'), sessionBefore, 'step-up gives a new session id');
    const claims = (await oidc.authorizationCodeGrant(config, stepUp.callback, { pkceCodeVerifier: stepUp.verifier, expectedState: stepUp.state })).claims()!;
    assert.equal(claims.acr, ACR.multiFactor);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);

    const unreachable = await authorizeInBrowser(config, browser, citizen, { acr_values: ACR.multiFactorPlus });
    assert.equal(unreachable.callback.searchParams.get('error'), 'unmet_authentication_requirements');
  });

  test('the identity document number needs the highest level and its own line on the consent screen', async () => {
    const proofed = await buildCitizen(t.db, { totp: true, proofed: true });
    await t.db.updateTable('citizens').set({ document_type: 'hkid', document_ciphertext: encryptDocument(t.config.IDENTITY_KEY, 'A1234567') }).where('id', '=', proofed.id).execute();
    const { config } = await privateKeyJwtClient(t, base, 'Land Registry (test)');
    const browser = new Browser(base);
    const consent = await browser.follow((await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: RP_REDIRECT, scope: 'openid identity_document', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' })).href, RP_REDIRECT);
    assert.match(consent.url, /\/account\/sign-in/);
    const granted = await authorizeInBrowser(config, browser, proofed, { scope: 'openid identity_document' });
    assert.deepEqual(granted.seen.map((p) => p.replace(/authorize\/.*/, 'authorize')), ['/account/sign-in', '/account/sign-in/code', '/account/authorize']);
    const tokens = await oidc.authorizationCodeGrant(config, granted.callback, { pkceCodeVerifier: granted.verifier, expectedState: granted.state });
    assert.equal(tokens.claims()!.acr, ACR.multiFactorPlus);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(userinfo.identity_document_number, 'A1234567');
    assert.equal(userinfo.email, undefined, 'only what was asked for and granted');

    const basic = await buildCitizen(t.db, { totp: true });
    const refused = await authorizeInBrowser(config, new Browser(base), basic, { scope: 'openid identity_document' });
    assert.equal(refused.callback.searchParams.get('error'), 'unmet_authentication_requirements');
  });

  test('oidcc-max-age-1: an old sign-in must be repeated', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient(t, base);
    const browser = new Browser(base);
    await authorizeInBrowser(config, browser, citizen);
    await t.db.updateTable('citizen_sessions').set({ auth_time: new Date(Date.now() - 3_600_000) }).where('citizen_id', '=', citizen.id).execute();
    const again = await authorizeInBrowser(config, browser, citizen, { max_age: '60' });
    assert.deepEqual(again.seen, ['/account/sign-in']);
    const tokens = await oidc.authorizationCodeGrant(config, again.callback, { pkceCodeVerifier: again.verifier, expectedState: again.state }, undefined, { maxAge: 60 } as never);
    assert.ok(Date.now() / 1000 - tokens.claims()!.auth_time! < 60);
  });

  test('a withdrawn grant asks for consent again, and its tokens stop working', async () => {
    const citizen = await buildCitizen(t.db);
    const { config, clientId } = await privateKeyJwtClient(t, base, 'Withdrawn Service (test)');
    const browser = new Browser(base);
    const first = await authorizeInBrowser(config, browser, citizen);
    const tokens = await oidc.authorizationCodeGrant(config, first.callback, { pkceCodeVerifier: first.verifier, expectedState: first.state });
    const services = await browser.follow('/account/services', RP_REDIRECT);
    assert.match(services.body, /Withdrawn Service \(test\)/);
    const withdrawn = await browser.submit(services, {}, RP_REDIRECT, `/account/services/${clientId}/withdraw`);
    assert.match(withdrawn.body, /Permission withdrawn/);
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck));
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!));
    const again = await authorizeInBrowser(config, browser, citizen);
    assert.equal(again.seen.length, 1);
    assert.match(again.seen[0]!, /^\/account\/authorize\//);
  });
  test('the consent screen names the service, its purpose and each e-ME field with the value it would send; deny returns access_denied', async () => {
    const citizen = await buildCitizen(t.db, { profile: { name_en: 'HO, Ka Yan' } });
    const { config } = await privateKeyJwtClient(t, base, 'Consent Check (test)');
    const browser = new Browser(base);
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: RP_REDIRECT, scope: 'openid profile email', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    let page = await browser.follow(url.href, RP_REDIRECT);
    page = await browser.submit(page, { email: citizen.email, password: citizen.password }, RP_REDIRECT);
    assert.match(page.body, /Share your details with Consent Check \(test\)/);
    assert.match(page.body, /To fill in your library card application/);
    assert.match(page.body, /Name in English: HO, Ka Yan/);
    assert.match(page.body, /Name in Chinese: \(not in your profile\)/);
    assert.match(page.body, new RegExp(`Email address: ${citizen.email}`));
    const denied = await browser.submit(page, { decision: 'deny' }, RP_REDIRECT);
    assert.equal(new URL(denied.url).searchParams.get('error'), 'access_denied');
  });
});
