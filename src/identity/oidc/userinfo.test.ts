import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import type { TestApp } from '../../../test/support/app.ts';
import { testLogger } from '../../../test/support/database.ts';
import { listeningTestApp } from '../../../test/support/app.ts';
import { authorizeInBrowser, Browser, buildCitizen, RP_REDIRECT } from '../../../test/support/identity-factories.ts';
import { systemContext } from '../../platform/context.ts';
import { clearFailures } from '../../platform/throttle/index.ts';
import { documentKeys } from '../proofing.ts';
import { registerClient } from './clients.ts';
import { createProvider, pairwiseSubject } from './provider.ts';
import { answerUserinfo, type UserinfoDeps } from './userinfo.ts';

// Userinfo's fast path (userinfo.ts) beside the provider's own: the same answer when it answers, and every refusal
// left to the provider (the same 401 invalid_token, WWW-Authenticate and CORS headers as before).

let t: TestApp;
let base: string;
let deps: UserinfoDeps;
before(async () => {
  ({ t, base } = await listeningTestApp());
  deps = { db: t.db, provider: await createProvider({ db: t.db, config: t.config, logger: testLogger }), keys: documentKeys(t.config), logger: testLogger, pairwiseSubject: pairwiseSubject(t.config.SESSION_SECRET) };
});
after(async () => { await t.close(); });

/** A citizen signed in at a client_secret_basic service: the tokens, the client and the citizen. */
async function signedIn() {
  const citizen = await buildCitizen(t.db, { profile: { name_en: 'LEE, Siu Ming' } });
  const { clientId, clientSecret } = await registerClient(t.db, systemContext('test'), { clientName: 'Userinfo Service (test)', purpose: 'Testing.', redirectUris: [RP_REDIRECT] });
  const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [RP_REDIRECT] }, oidc.ClientSecretBasic(clientSecret!), { execute: [oidc.allowInsecureRequests] });
  const browser = new Browser(base);
  const { callback, verifier, state } = await authorizeInBrowser(config, browser, citizen);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
  return { citizen, clientId, config, browser, tokens };
}

/** Whether the fast path answers this request by itself (false: it leaves it to the provider). */
async function fastPathAnswers(headers: Record<string, string>): Promise<boolean> {
  const req = { method: 'GET', headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
  const res = { writeHead: () => res, end: () => res } as unknown as ServerResponse;
  return answerUserinfo(deps, req, res, '127.0.0.1');
}

const userinfo = (headers: Record<string, string>, method = 'GET') => fetch(`${base}/oidc/me`, { method, headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const setToken = (token: string, change: ReturnType<typeof sql>) => sql`UPDATE oidc_models SET ${change} WHERE kind = 'AccessToken' AND id = ${token}`.execute(t.db);

/** The provider's refusal: status, error in WWW-Authenticate, and the CORS headers a browser client needs to read it. */
async function assertRefused(token: string, status: number, error: string, headers: Record<string, string> = bearer(token)) {
  assert.equal(await fastPathAnswers(headers), false, 'the fast path leaves it to the provider');
  const response = await userinfo(headers);
  assert.equal(response.status, status);
  assert.match(response.headers.get('www-authenticate') ?? '', new RegExp(`error="${error}"`));
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.match(response.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
  assert.equal((await response.json() as { error: string }).error, error);
}

describe('userinfo fast path', () => {
  test('answers a bearer request with the provider\'s body and headers: claims of the granted scopes, pairwise sub', async () => {
    const { citizen, tokens } = await signedIn();
    assert.equal(await fastPathAnswers(bearer(tokens.access_token)), true);
    const fast = await userinfo(bearer(tokens.access_token));
    const viaProvider = await userinfo(bearer(tokens.access_token), 'POST');
    assert.equal(fast.status, 200);
    assert.equal(viaProvider.status, 200);
    const body = await fast.json() as Record<string, unknown>;
    assert.deepEqual(body, await viaProvider.json());
    assert.equal(body.sub, tokens.claims()!.sub);
    assert.notEqual(body.sub, citizen.id);
    assert.equal(body.name, 'LEE, Siu Ming');
    assert.equal(body.email, citizen.email);
    for (const header of ['cache-control', 'vary', 'access-control-allow-origin', 'access-control-expose-headers', 'content-type']) {
      assert.equal(fast.headers.get(header), viaProvider.headers.get(header), header);
    }
  });

  test('refuses an expired token (its own expiry, before the row is swept)', async () => {
    const { tokens } = await signedIn();
    await setToken(tokens.access_token, sql`payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch from now())::int - 60))`);
    await assertRefused(tokens.access_token, 401, 'invalid_token');
  });

  test('refuses a token whose grant was revoked, by another process too (nothing cached)', async () => {
    const { tokens } = await signedIn();
    assert.equal((await userinfo(bearer(tokens.access_token))).status, 200);
    await sql`DELETE FROM oidc_models WHERE kind = 'Grant' AND id = (SELECT payload->>'grantId' FROM oidc_models WHERE kind = 'AccessToken' AND id = ${tokens.access_token})`.execute(t.db);
    await assertRefused(tokens.access_token, 401, 'invalid_token');
  });

  test('refuses a token after the citizen withdraws consent in Connected services', async () => {
    const { clientId, browser, tokens } = await signedIn();
    const services = await browser.follow('/account/services', RP_REDIRECT);
    await browser.submit(services, {}, RP_REDIRECT, `/account/services/${clientId}/withdraw`);
    await assertRefused(tokens.access_token, 401, 'invalid_token');
  });

  test('refuses a token without the openid scope (403 insufficient_scope)', async () => {
    const { tokens } = await signedIn();
    await setToken(tokens.access_token, sql`payload = jsonb_set(payload, '{scope}', '"profile email"')`);
    await assertRefused(tokens.access_token, 403, 'insufficient_scope');
  });

  test('refuses a token whose sign-in ended, and one of a disabled account', async () => {
    const ended = await signedIn();
    await sql`DELETE FROM oidc_models WHERE kind = 'Session' AND uid = (SELECT payload->>'sessionUid' FROM oidc_models WHERE kind = 'AccessToken' AND id = ${ended.tokens.access_token})`.execute(t.db);
    await assertRefused(ended.tokens.access_token, 401, 'invalid_token');
    const disabled = await signedIn();
    await sql`UPDATE citizens SET disabled_at = now() WHERE id = ${disabled.citizen.id}`.execute(t.db);
    await assertRefused(disabled.tokens.access_token, 401, 'invalid_token');
  });

  test('a DPoP-bound token needs a proof from its own key: not as a bearer token, not with another key', async () => {
    const citizen = await buildCitizen(t.db);
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { clientId } = await registerClient(t.db, systemContext('test'), {
      clientName: 'Bank (test)', purpose: 'Testing.', redirectUris: [RP_REDIRECT], fapi2: true, jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] },
    });
    const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [RP_REDIRECT] }, oidc.PrivateKeyJwt(privateKey), { execute: [oidc.allowInsecureRequests] });
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: RP_REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, { DPoP });
    const browser = new Browser(base);
    let page = await browser.follow(url.href, RP_REDIRECT);
    page = await browser.submit(page, { email: citizen.email, password: citizen.password }, RP_REDIRECT);
    page = await browser.submit(page, { decision: 'allow' }, RP_REDIRECT);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier }, undefined, { DPoP });

    await assertRefused(tokens.access_token, 401, 'invalid_token');
    const otherKey = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub, { DPoP: otherKey }), (e: { status?: number }) => e.status === 401);
    assert.equal((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub, { DPoP })).email, citizen.email);
  });

  test('an address with a few failures keeps the fast path; one at the limit goes through the provider\'s check: 429 even with a valid token', async () => {
    const { tokens } = await signedIn();
    assert.equal((await userinfo(bearer('y'.repeat(43)))).status, 401, 'a failure counted');
    assert.equal(await fastPathAnswers(bearer(tokens.access_token)), true);
    const key = 'oidc:address:127.0.0.1';
    await sql`INSERT INTO throttle_counters (key, window_start, failures, last_failure_at) VALUES (${key}, now(), 50, now())
      ON CONFLICT (key) DO UPDATE SET window_start = now(), failures = 50, last_failure_at = now()`.execute(t.db);
    try {
      assert.equal(await fastPathAnswers(bearer(tokens.access_token)), false);
      const blocked = await userinfo(bearer(tokens.access_token));
      assert.equal(blocked.status, 429);
      assert.equal((await blocked.json() as { error: string }).error, 'slow_down');
    } finally {
      await clearFailures(t.db, [key]);
    }
    assert.equal((await userinfo(bearer(tokens.access_token))).status, 200);
  });

  test('anything but a plain bearer GET is the provider\'s: a missing or malformed token, an Origin', async () => {
    const { tokens } = await signedIn();
    const missing = await userinfo({});
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
    assert.equal((await userinfo({ authorization: 'Bearer not a token' })).status, 400);
    assert.equal((await userinfo(bearer('x'.repeat(43)))).status, 401);
    assert.equal(await fastPathAnswers({ ...bearer(tokens.access_token), origin: 'http://127.0.0.1:9' }), false);
    const cors = await userinfo({ ...bearer(tokens.access_token), origin: 'http://127.0.0.1:9' });
    assert.equal(cors.status, 200);
    assert.equal(cors.headers.get('access-control-allow-origin'), 'http://127.0.0.1:9');
  });
});
