import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import type { TestApp } from '../../../test/support/app.ts';
import { listeningTestApp } from '../../../test/support/app.ts';
import { Browser, buildCitizen } from '../../../test/support/identity-factories.ts';
import { systemContext } from '../../platform/context.ts';
import { registerClient } from './clients.ts';

// Mirrors the conformance suite's FAPI 2.0 Security Profile test plan with openid-client as the relying party.
const REDIRECT = 'http://127.0.0.1:9/callback';
let t: TestApp;
let base: string;

before(async () => { ({ t, base } = await listeningTestApp()); });
after(async () => { await t.close(); });

async function fapiClient() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const { clientId } = await registerClient(t.db, systemContext('test'), {
    clientName: 'Bank (test)', purpose: 'To open an account.', redirectUris: [REDIRECT], fapi2: true, jwks: { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] },
  });
  const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [REDIRECT] }, oidc.PrivateKeyJwt(privateKey), { execute: [oidc.allowInsecureRequests] });
  return { clientId, config };
}

async function signInAndConsent(url: URL, citizen: { email: string; password: string }) {
  const browser = new Browser(base);
  let page = await browser.follow(url.href, REDIRECT);
  page = await browser.submit(page, { email: citizen.email, password: citizen.password }, REDIRECT);
  page = await browser.submit(page, { decision: 'allow' }, REDIRECT);
  return new URL(page.url);
}

describe('FAPI 2.0 Security Profile', () => {
  test('fapi2-security-profile happy flow: PAR, PKCE, private_key_jwt, DPoP-bound tokens, refresh tokens not rotated', async () => {
    const citizen = await buildCitizen(t.db);
    const { config } = await fapiClient();
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, { DPoP });
    const callback = await signInAndConsent(url, citizen);
    assert.equal(callback.searchParams.get('iss'), `${base}/oidc`, 'RFC 9207 issuer in the response');
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }, undefined, { DPoP });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    assert.equal(refreshed.refresh_token ?? tokens.refresh_token, tokens.refresh_token, 'sender-constrained refresh tokens are not rotated');
    assert.equal((await oidc.fetchUserInfo(config, refreshed.access_token, tokens.claims()!.sub, { DPoP })).email, citizen.email);
  });

  test('fapi2-ensure-par-required and fapi2-ensure-dpop: no front-channel request, no token without a DPoP proof', async () => {
    const citizen = await buildCitizen(t.db);
    const { clientId, config } = await fapiClient();
    const verifier = oidc.randomPKCECodeVerifier();
    const challenge = await oidc.calculatePKCECodeChallenge(verifier);
    const front = await fetch(`${config.serverMetadata().authorization_endpoint}?${new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256' })}`, { redirect: 'manual' });
    assert.notEqual(front.status, 500);
    assert.match(decodeURIComponent(front.headers.get('location') ?? (await front.text())), /pushed authorization request|request_uri|invalid_request/i);
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const callback = await signInAndConsent(url, citizen);
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier }), (e: { error?: string }) => typeof e.error === 'string');
  });
});
