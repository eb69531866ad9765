import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { TestApp } from '../../../test/support/app.ts';
import { listeningTestApp } from '../../../test/support/app.ts';
import { authorizeInBrowser, Browser, buildCitizen, privateKeyJwtClient, RP_REDIRECT } from '../../../test/support/identity-factories.ts';

// The conformance suite's negative tests (code reuse, PKCE, expired codes) and our own: bad input to the provider
// is a clear OAuth error, never a 500.

let t: TestApp;
let base: string;
before(async () => { ({ t, base } = await listeningTestApp()); });
after(async () => { await t.close(); });

describe('bad requests get clear errors, never a 500', () => {
  test('oidcc-codereuse: a replayed authorization code is refused, and the tokens it gave are revoked', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient(t, base);
    const { callback, verifier, state } = await authorizeInBrowser(config, new Browser(base), citizen);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }), (e: { error?: string }) => e.error === 'invalid_grant');
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck));
  });

  test('an expired authorization code is refused', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient(t, base);
    const { callback, verifier, state } = await authorizeInBrowser(config, new Browser(base), citizen);
    await t.db.updateTable('oidc_models').set({ expires_at: new Date(Date.now() - 1000) }).where('kind', '=', 'AuthorizationCode').execute();
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }), (e: { error?: string }) => e.error === 'invalid_grant');
  });

  test('oidcc-ensure-pkce: a wrong code verifier is refused', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await privateKeyJwtClient(t, base);
    const { callback, state } = await authorizeInBrowser(config, new Browser(base), citizen);
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state }), (e: { error?: string }) => e.error === 'invalid_grant');
  });

  test('an unknown redirect URI, an unknown client, a missing PKCE challenge, a malformed token request', async () => {
    const { config, clientId } = await privateKeyJwtClient(t, base);
    const authorization = config.serverMetadata().authorization_endpoint!;
    const unknownRedirect = await fetch(`${authorization}?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`, { redirect: 'manual' });
    assert.equal(unknownRedirect.status, 400);
    assert.match(await unknownRedirect.text(), /redirect_uri/);
    const unknownClient = await fetch(`${authorization}?client_id=nobody&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(RP_REDIRECT)}`, { redirect: 'manual' });
    assert.equal(unknownClient.status, 400);
    await assert.rejects(oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: RP_REDIRECT, scope: 'openid' }), (e: { error?: string }) => e.error === 'invalid_request');
    const token = await fetch(config.serverMetadata().token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=nonsense' });
    assert.equal(token.status, 400);
    assert.equal(((await token.json()) as { error: string }).error, 'invalid_request');
    const stale = await new Browser(base).follow('/account/authorize/abcdefghijklmnop', RP_REDIRECT);
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
