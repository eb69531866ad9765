import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';

// The happy path needs a WebAuthn authenticator: see e2e/identity.test.ts (Chromium's virtual authenticator).
let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const fakeAssertion = { id: 'bm90LWEtcmVhbC1rZXk', rawId: 'bm90LWEtcmVhbC1rZXk', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' } };

describe('passkeys: bad input is a clear error, never a 500', () => {
  test('adding a passkey needs a signed-in citizen', async () => {
    const response = await new Client(t.app).json('POST', '/account/passkeys/options', {});
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  });

  test('sign-in without a challenge, with an unknown passkey, or with a malformed body', async () => {
    const client = new Client(t.app);
    const noChallenge = await client.json('POST', '/account/passkey-sign-in', { response: fakeAssertion });
    assert.equal(noChallenge.statusCode, 400);
    const options = await client.json('POST', '/account/passkey-sign-in/options', {});
    assert.equal(options.statusCode, 200);
    assert.equal(options.json().userVerification, 'required');
    const unknown = await client.json('POST', '/account/passkey-sign-in', { response: fakeAssertion });
    assert.equal(unknown.statusCode, 401);
    const replayed = await client.json('POST', '/account/passkey-sign-in', { response: fakeAssertion });
    assert.equal(replayed.statusCode, 400, 'a challenge is used once');
    const malformed = await client.json('POST', '/account/passkey-sign-in', { response: { id: 1 } });
    assert.equal(malformed.statusCode, 400);
  });

  test('a forged registration is refused', async () => {
    const citizen = await buildCitizen(t.db);
    const client = await signInCitizen(t.app, citizen);
    const options = await client.json('POST', '/account/passkeys/options', {});
    assert.equal(options.json().authenticatorSelection.userVerification, 'required');
    const forged = await client.json('POST', '/account/passkeys', { response: { ...fakeAssertion, response: { clientDataJSON: 'e30', attestationObject: 'AA' } } });
    assert.equal(forged.statusCode, 400);
    assert.match((await client.get('/account/passkeys')).body, /You have no passkeys yet/);
  });
});
