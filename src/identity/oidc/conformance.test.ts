import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { Browser, buildCitizen, signInCitizen } from '../../../test/support/identity-factories.ts';
import { testLogger } from '../../../test/support/database.ts';
import { buildApp } from '../../app.ts';
import { rotateSigningKeys } from './keys.ts';
import { encryptDocument } from '../proofing.ts';
import { systemContext } from '../../platform/context.ts';
import { ACR } from '../assurance.ts';
import { registerClient } from './clients.ts';

// Mirrors the OpenID Foundation conformance suite's Basic OP and Config OP modules (the suite itself needs
// Docker): openid-client drives the provider as a real relying party over HTTP on 127.0.0.1.
const REDIRECT = 'http://127.0.0.1:9/callback';
let t: TestApp;
let base: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await createTestApp({ BASE_URL: base });
  await t.app.listen({ host: '127.0.0.1', port });
});
after(async () => { await t.close(); });

async function privateKeyJwtClient(name = 'Test Library (test)') {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
  const { clientId } = await registerClient(t.db, systemContext('test'), {
    clientName: name, purpose: 'To fill in your library card application.', redirectUris: [REDIRECT], postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'], jwks: { keys: [jwk] },
  });
  const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [REDIRECT] }, oidc.PrivateKeyJwt(privateKey), { execute: [oidc.allowInsecureRequests] });
  return { clientId, config };
}

/** The browser part: authorization request (pushed), sign-in when asked, consent when asked; returns the callback URL. */
async function authorize(config: oidc.Configuration, browser: Browser, citizen: { email: string; password: string; totpCode: () => string }, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = await oidc.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: REDIRECT, scope: 'openid profile email', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  let page = await browser.follow(url.href, REDIRECT);
  const seen: string[] = [];
  for (let steps = 0; !page.url.startsWith(REDIRECT) && steps < 6; steps++) {
    const path = new URL(page.url).pathname;
    seen.push(path);
    if (path === '/account/sign-in') page = await browser.submit(page, { email: citizen.email, password: citizen.password }, REDIRECT);
    else if (path === '/account/sign-in/code') page = await browser.submit(page, { code: citizen.totpCode() }, REDIRECT);
    else if (path.startsWith('/account/authorize/')) page = await browser.submit(page, { decision: 'allow' }, REDIRECT);
    else throw new Error(`unexpected page ${page.url} (${page.response.status}): ${page.body.slice(0, 300)}`);
  }
  return { callback: new URL(page.url), verifier, state, seen };
}

describe('Config OP (oidcc-discovery, jwks)', () => {
  test('discovery document and JWKS', async () => {
    const { config } = await privateKeyJwtClient();
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, `${base}/oidc`);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(metadata.subject_types_supported, ['pairwise']);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.ok(metadata.pushed_authorization_request_endpoint);
    assert.deepEqual(metadata.acr_values_supported, [ACR.basic, ACR.multiFactor, ACR.multiFactorPlus]);
    const jwks = await (await fetch(metadata.jwks_uri!)).json() as { keys: { d?: string; kid: string }[] };
    assert.ok(jwks.keys.length >= 1);
    assert.ok(jwks.keys.every((k) => k.d === undefined), 'no private parts are published');
  });
});

describe('Basic OP', () => {
  test('oidcc-server: PAR + PKCE, sign-in, consent, private_key_jwt code exchange, ID token, userinfo, refresh, logout', async () => {
    const citizen = await buildCitizen(t.db, { profile: { name_en: 'CHAN, Tai Man', date_of_birth: '1990-05-01' } });
    const { config } = await privateKeyJwtClient();
    const browser = new Browser(base);
    const { callback, verifier, state, seen } = await authorize(config, browser, citizen);
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
    const again = await authorize(config, browser, citizen);
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
    const { clientId, clientSecret } = await registerClient(t.db, systemContext('test'), { clientName: 'Secret Client (test)', purpose: 'Testing.', redirectUris: [REDIRECT] });
    const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [REDIRECT] }, oidc.ClientSecretBasic(clientSecret), { execute: [oidc.allowInsecureRequests] });
    const { callback, verifier, state } = await authorize(config, new Browser(base), citizen);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const second = await buildApp({ config: t.config, db: t.db, logger: testLogger });
    try {
      const userinfo = await second.inject({ method: 'GET', url: '/oidc/me', headers: { authorization: `Bearer ${tokens.access_token}`, host: new URL(base).host } });
      assert.equal(userinfo.statusCode, 200);
      assert.equal(userinfo.json().sub, tokens.claims()!.sub);
    } finally {
      await second.close();
    }
    const wrongSecret = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [REDIRECT] }, oidc.ClientSecretBasic('not the secret'), { execute: [oidc.allowInsecureRequests] });
    await assert.rejects(oidc.refreshTokenGrant(wrongSecret, tokens.refresh_token!), (e: { cause?: { parameters?: { error?: string } }[] }) => e.cause?.[0]?.parameters?.error === 'invalid_client');
  });

  test('signing keys are rotated: a new key is published beside the old one', async () => {
    const before = ((await (await fetch(`${base}/oidc/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const kid = await rotateSigningKeys(t.db);
    const second = await buildApp({ config: t.config, db: t.db, logger: testLogger });
    try {
      const after = (second.inject({ method: 'GET', url: '/oidc/jwks' }).then((r) => r.json() as { keys: { kid: string }[] }));
      const kids = (await after).keys.map((k) => k.kid);
      assert.equal(kids[0], kid, 'the newest key signs');
      assert.ok(before.every((k) => kids.includes(k)), 'older keys still verify');
    } finally {
      await second.close();
    }
  });

  test('DPoP: tokens bound to the relying party\'s key are useless without it', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient();
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, { DPoP });
    const browser = new Browser(base);
    let page = await browser.follow(url.href, REDIRECT);
    page = await browser.submit(page, { email: citizen.email, password: citizen.password }, REDIRECT);
    page = await browser.submit(page, { decision: 'allow' }, REDIRECT);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier }, undefined, { DPoP });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    assert.equal((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub, { DPoP })).email, citizen.email);
    const stolen = await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(stolen.status, 401);
  });

  test('oidcc-codereuse: a replayed authorization code is refused, and the tokens it gave are revoked', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient();
    const { callback, verifier, state } = await authorize(config, new Browser(base), citizen);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }), (e: { error?: string }) => e.error === 'invalid_grant');
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck));
  });

  test('an expired authorization code is refused', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient();
    const { callback, verifier, state } = await authorize(config, new Browser(base), citizen);
    await t.db.updateTable('oidc_models').set({ expires_at: new Date(Date.now() - 1000) }).where('kind', '=', 'AuthorizationCode').execute();
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }), (e: { error?: string }) => e.error === 'invalid_grant');
  });

  test('oidcc-ensure-pkce: a wrong code verifier is refused', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient();
    const { callback, state } = await authorize(config, new Browser(base), citizen);
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state }), (e: { error?: string }) => e.error === 'invalid_grant');
  });

  test('oidcc-pairwise: a second service gets a different sub for the same person', async () => {
    const citizen = await buildCitizen(t.db);
    const browser = new Browser(base);
    const subs: string[] = [];
    for (const name of ['Service A (test)', 'Service B (test)']) {
      const { config } = await privateKeyJwtClient(name);
      const { callback, verifier, state } = await authorize(config, browser, citizen);
      subs.push((await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state })).claims()!.sub);
    }
    assert.notEqual(subs[0], subs[1]);
  });

  test('oidcc-acr-values: a higher level triggers step-up with the second factor; an unreachable one is an error', async () => {
    const citizen = await buildCitizen(t.db, { totp: true });
    const { config } = await privateKeyJwtClient();
    const browser = new Browser(base);
    // A basic sign-in first: as if two-step verification were turned on only afterwards.
    await t.db.updateTable('citizens').set({ totp_secret: null }).where('id', '=', citizen.id).execute();
    const basic = await authorize(config, browser, citizen);
    assert.equal((await oidc.authorizationCodeGrant(config, basic.callback, { pkceCodeVerifier: basic.verifier, expectedState: basic.state })).claims()!.acr, ACR.basic);
    await t.db.updateTable('citizens').set({ totp_secret: citizen.totp_secret }).where('id', '=', citizen.id).execute();
    const sessionBefore = browser.cookies.get('sg_citizen');

    const stepUp = await authorize(config, browser, citizen, { acr_values: ACR.multiFactor });
    assert.deepEqual(stepUp.seen, ['/account/sign-in', '/account/sign-in/code']);
    assert.notEqual(browser.cookies.get('sg_citizen'), sessionBefore, 'step-up gives a new session id');
    const claims = (await oidc.authorizationCodeGrant(config, stepUp.callback, { pkceCodeVerifier: stepUp.verifier, expectedState: stepUp.state })).claims()!;
    assert.equal(claims.acr, ACR.multiFactor);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);

    const unreachable = await authorize(config, browser, citizen, { acr_values: ACR.multiFactorPlus });
    assert.equal(unreachable.callback.searchParams.get('error'), 'unmet_authentication_requirements');
  });

  test('the identity document number needs the highest level and its own line on the consent screen', async () => {
    const proofed = await buildCitizen(t.db, { totp: true, proofed: true });
    await t.db.updateTable('citizens').set({ document_type: 'hkid', document_ciphertext: encryptDocument(t.config.SESSION_SECRET, 'A1234567') }).where('id', '=', proofed.id).execute();
    const { config } = await privateKeyJwtClient('Land Registry (test)');
    const browser = new Browser(base);
    const consent = await browser.follow((await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'openid identity_document', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' })).href, REDIRECT);
    assert.match(consent.url, /\/account\/sign-in/);
    const granted = await authorize(config, browser, proofed, { scope: 'openid identity_document' });
    assert.deepEqual(granted.seen.map((p) => p.replace(/authorize\/.*/, 'authorize')), ['/account/sign-in', '/account/sign-in/code', '/account/authorize']);
    const tokens = await oidc.authorizationCodeGrant(config, granted.callback, { pkceCodeVerifier: granted.verifier, expectedState: granted.state });
    assert.equal(tokens.claims()!.acr, ACR.multiFactorPlus);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(userinfo.identity_document_number, 'A1234567');
    assert.equal(userinfo.email, undefined, 'only what was asked for and granted');

    const basic = await buildCitizen(t.db, { totp: true });
    const refused = await authorize(config, new Browser(base), basic, { scope: 'openid identity_document' });
    assert.equal(refused.callback.searchParams.get('error'), 'unmet_authentication_requirements');
  });

  test('oidcc-max-age-1: an old sign-in must be repeated', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient();
    const browser = new Browser(base);
    await authorize(config, browser, citizen);
    await t.db.updateTable('citizen_sessions').set({ auth_time: new Date(Date.now() - 3_600_000) }).where('citizen_id', '=', citizen.id).execute();
    const again = await authorize(config, browser, citizen, { max_age: '60' });
    assert.deepEqual(again.seen, ['/account/sign-in']);
    const tokens = await oidc.authorizationCodeGrant(config, again.callback, { pkceCodeVerifier: again.verifier, expectedState: again.state }, undefined, { maxAge: 60 } as never);
    assert.ok(Date.now() / 1000 - tokens.claims()!.auth_time! < 60);
  });

  test('a withdrawn grant asks for consent again, and its tokens stop working', async () => {
    const citizen = await buildCitizen(t.db);
    const { config, clientId } = await privateKeyJwtClient('Withdrawn Service (test)');
    const browser = new Browser(base);
    const first = await authorize(config, browser, citizen);
    const tokens = await oidc.authorizationCodeGrant(config, first.callback, { pkceCodeVerifier: first.verifier, expectedState: first.state });
    const services = await browser.follow('/account/services', REDIRECT);
    assert.match(services.body, /Withdrawn Service \(test\)/);
    const withdrawn = await browser.submit(services, {}, REDIRECT, `/account/services/${clientId}/withdraw`);
    assert.match(withdrawn.body, /Permission withdrawn/);
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck));
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!));
    const again = await authorize(config, browser, citizen);
    assert.equal(again.seen.length, 1);
    assert.match(again.seen[0]!, /^\/account\/authorize\//);
  });
});

describe('bad requests get clear errors, never a 500', () => {
  test('an unknown redirect URI, an unknown client, a missing PKCE challenge, a malformed token request', async () => {
    const { config, clientId } = await privateKeyJwtClient();
    const authorization = config.serverMetadata().authorization_endpoint!;
    const unknownRedirect = await fetch(`${authorization}?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`, { redirect: 'manual' });
    assert.equal(unknownRedirect.status, 400);
    assert.match(await unknownRedirect.text(), /redirect_uri/);
    const unknownClient = await fetch(`${authorization}?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT)}`, { redirect: 'manual' });
    assert.equal(unknownClient.status, 400);
    await assert.rejects(oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'openid' }), (e: { error?: string }) => e.error === 'invalid_request');
    const token = await fetch(config.serverMetadata().token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=nonsense' });
    assert.equal(token.status, 400);
    assert.equal(((await token.json()) as { error: string }).error, 'invalid_request');
    const stale = await new Browser(base).follow('/account/authorize/abcdefghijklmnop', REDIRECT);
    assert.notEqual(stale.response.status, 500);
  });

  test('malformed requests to every endpoint are 4xx, never a 500', async () => {
    const cases: [string, RequestInit][] = [
      ['/oidc/auth', {}],
      ['/oidc/auth?client_id=%00&response_type=code', {}],
      ['/oidc/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' }],
      ['/oidc/token', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }],
      ['/oidc/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x'.repeat(70_000) }],
      ['/oidc/request', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=nobody' }],
      ['/oidc/me', { headers: { authorization: 'Bearer not-a-token' } }],
      ['/oidc/session/end/confirm', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'xsrf=nothing' }],
      ['/oidc/token/revocation', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' }],
    ];
    for (const [path, init] of cases) {
      const response = await fetch(`${base}${path}`, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), 'x-forwarded-for': '203.0.113.9' } });
      assert.ok(response.status >= 400 && response.status < 500, `${path}: ${response.status}`);
    }
  });

  test('failed token requests are rate-limited per address (429 with Retry-After), never a 500', async () => {
    const attempt = () => t.app.inject({
      method: 'POST', url: '/oidc/token', remoteAddress: '198.51.100.23',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: new URL(base).host }, payload: 'grant_type=authorization_code&code=x&client_id=nobody',
    });
    for (let i = 0; i < 50; i++) assert.ok([400, 401].includes((await attempt()).statusCode));
    const blocked = await attempt();
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().error, 'slow_down');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
  });
});
