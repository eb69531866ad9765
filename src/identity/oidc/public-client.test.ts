import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import type { TestApp } from '../../../test/support/app.ts';
import { listeningTestApp } from '../../../test/support/app.ts';
import { authorizeInBrowser, Browser, buildCitizen, RP_REDIRECT } from '../../../test/support/identity-factories.ts';
import { systemContext } from '../../platform/context.ts';
import { registerClient } from './clients.ts';

// Beside the Basic OP module: a public client (token_endpoint_auth_method "none", PKCE only), as the conformance
// suite's refresh-token checks run it, with openid-client as the relying party.

let t: TestApp;
let base: string;
before(async () => { ({ t, base } = await listeningTestApp()); });
after(async () => { await t.close(); });

const invalidGrant = (e: { cause?: { parameters?: { error?: string } }[] | { error?: string }; error?: string }) =>
  e.error === 'invalid_grant' || (Array.isArray(e.cause) ? e.cause[0]?.parameters?.error : e.cause?.error) === 'invalid_grant';

describe('Basic OP, public client', () => {
  test('oidcc-refresh-token: a public client\'s refresh token rotates at every use; a used one is refused, and replaying it ends the grant', async () => {
    const citizen = await buildCitizen(t.db);
    const { clientId, clientSecret } = await registerClient(t.db, systemContext('test'), { clientName: 'Phone App (test)', purpose: 'Testing.', redirectUris: [RP_REDIRECT], publicClient: true });
    assert.equal(clientSecret, undefined, 'a public client gets no secret');
    const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [RP_REDIRECT] }, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const { callback, verifier, state } = await authorizeInBrowser(config, new Browser(base), citizen);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const sub = tokens.claims()!.sub;
    const first = tokens.refresh_token!;
    assert.ok(first);

    const rotated = await oidc.refreshTokenGrant(config, first);
    assert.ok(rotated.refresh_token);
    assert.notEqual(rotated.refresh_token, first, 'a new refresh token at every use');
    assert.equal((await oidc.fetchUserInfo(config, rotated.access_token, sub)).sub, sub);

    const again = await oidc.refreshTokenGrant(config, rotated.refresh_token!);
    assert.ok(again.refresh_token, 'the new one works');
    assert.notEqual(again.refresh_token, rotated.refresh_token);

    await assert.rejects(oidc.refreshTokenGrant(config, first), invalidGrant, 'the used one is refused');
    // A replayed token means one copy was stolen: the provider cannot tell which holder is genuine, so the whole grant ends.
    await assert.rejects(oidc.refreshTokenGrant(config, again.refresh_token!), invalidGrant);
    await assert.rejects(oidc.fetchUserInfo(config, again.access_token, sub));
  });

  test('a public client cannot redeem a code without the PKCE verifier', async () => {
    const citizen = await buildCitizen(t.db);
    const { clientId } = await registerClient(t.db, systemContext('test'), { clientName: 'Phone App 2 (test)', purpose: 'Testing.', redirectUris: [RP_REDIRECT], publicClient: true });
    const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [RP_REDIRECT] }, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const { callback, state } = await authorizeInBrowser(config, new Browser(base), citizen);
    await assert.rejects(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: state }), invalidGrant);
  });

  test('a public client with keys is refused at registration', async () => {
    await assert.rejects(registerClient(t.db, systemContext('test'), { clientName: 'Bad (test)', purpose: 'Testing.', redirectUris: [RP_REDIRECT], publicClient: true, fapi2: true }), /invalid_input|public client/);
  });
});
