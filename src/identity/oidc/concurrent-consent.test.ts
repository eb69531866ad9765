import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import { listeningTestApp, type TestApp } from '../../../test/support/app.ts';
import { Browser, buildCitizen, privateKeyJwtClient, RP_REDIRECT, signInCitizen } from '../../../test/support/identity-factories.ts';

// Sign-ins and consents that happen at the same time, as relying parties see them (openid-client over HTTP).

let t: TestApp;
let base: string;
before(async () => { ({ t, base } = await listeningTestApp()); });
after(async () => { await t.close(); });

/** Every tab presses "Allow" at the same moment; each exchanges its code. */
async function consentAtOnce(config: oidc.Configuration, tabs: Awaited<ReturnType<typeof consentPage>>[]) {
  return Promise.all(tabs.map(async ({ browser, page, verifier, state }) => {
    const callback = await browser.submit(page, { decision: 'allow' }, RP_REDIRECT);
    return oidc.authorizationCodeGrant(config, new URL(callback.url), { pkceCodeVerifier: verifier, expectedState: state });
  }));
}
const grantsOf = (citizenId: string, clientId: string) => t.db.selectFrom('oidc_models').select('id').where('kind', '=', 'Grant')
  .where(sql<boolean>`payload->>'accountId' = ${citizenId} AND payload->>'clientId' = ${clientId}`).execute();
/** A tab that has signed in and shows the consent page for a pushed authorization request. */
async function consentPage(config: oidc.Configuration, browser: Browser, citizen: { email: string; password: string }) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = await oidc.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: RP_REDIRECT, scope: 'openid profile email', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const signInPage = await browser.follow(url.href, RP_REDIRECT);
  const page = await browser.submit(signInPage, { email: citizen.email, password: citizen.password }, RP_REDIRECT);
  assert.match(new URL(page.url).pathname, /^\/account\/authorize\//, 'the consent page');
  return { browser, page, verifier, state };
}
const userinfoStatus = async (accessToken: string) => (await fetch(`${base}/oidc/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

describe('concurrent sign-ins and consents to one service', () => {
  test('eight citizens consenting to the same service at the same moment: each gets tokens, their own claims and one remembered grant', async () => {
    const { clientId, config } = await privateKeyJwtClient(t, base, 'Busy Service (test)');
    const citizens = await Promise.all(Array.from({ length: 8 }, () => buildCitizen(t.db)));
    const tabs = await Promise.all(citizens.map((citizen) => consentPage(config, new Browser(base), citizen)));
    const results = await consentAtOnce(config, tabs);
    for (const [i, tokens] of results.entries()) {
      const citizen = citizens[i]!;
      assert.equal((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email, citizen.email);
      const remembered = await t.db.selectFrom('citizen_grants').selectAll().where('citizen_id', '=', citizen.id).execute();
      assert.equal(remembered.length, 1);
      assert.deepEqual((await grantsOf(citizen.id, clientId)).map((g) => g.id), [remembered[0]!.grant_id]);
    }
  });

  test('one citizen consenting in four tabs at once: one grant for the service, and withdrawing it ends every tab\'s tokens', async () => {
    const { clientId, config } = await privateKeyJwtClient(t, base, 'Many Tabs Service (test)');
    const citizen = await buildCitizen(t.db);
    // Each tab signed in and showing the consent page; then the four "Allow" buttons pressed together.
    const tabs = await Promise.all(Array.from({ length: 4 }, () => consentPage(config, new Browser(base), citizen)));
    const results = await consentAtOnce(config, tabs);
    const remembered = await t.db.selectFrom('citizen_grants').selectAll().where('citizen_id', '=', citizen.id).where('client_id', '=', clientId).executeTakeFirstOrThrow();
    assert.deepEqual((await grantsOf(citizen.id, clientId)).map((g) => g.id), [remembered.grant_id], 'every tab added to the one remembered grant');
    for (const tokens of results) assert.equal(await userinfoStatus(tokens.access_token), 200);

    const signedIn = await signInCitizen(t.app, citizen);
    assert.equal((await signedIn.submit('/account/services', `/account/services/${clientId}/withdraw`, {})).statusCode, 303);
    for (const tokens of results) {
      assert.equal(await userinfoStatus(tokens.access_token), 401, 'withdrawn: no tab keeps a working token');
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!));
    }
  });
});
