import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair } from 'jose';
import { createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const signIn = async (roles: Parameters<typeof buildStaff>[1] extends infer O ? O extends { roles?: infer R } ? R : never : never, organisationId?: string) => {
  const staff = await buildStaff(t.db, { roles, ...(organisationId ? { organisationId } : {}) });
  return signInStaff(t.app, staff.email, staff.password);
};

/** A pushed authorization request: 201 when the provider knows and authenticates the client. */
const pushed = (clientId: string, secret: string) => t.app.inject({
  method: 'POST', url: '/oidc/request', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
  payload: new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: 'http://localhost:4000/cb', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }).toString(),
});

describe('developer portal', () => {
  test('an organisation admin registers a sandbox client that works at once', async () => {
    const admin = await signIn(['organisation_admin']);
    const created = await admin.submit('/console/developer', '/console/developer/clients', { name: 'Parking permits (test)', purpose: 'To fill in your permit application.', redirectUris: 'http://localhost:4000/cb', environment: 'sandbox', jwks: '' });
    assert.equal(created.statusCode, 201);
    const clientId = /data-client-id="([^"]+)"/.exec(created.body)![1]!;
    const secret = /data-client-secret="([^"]+)"/.exec(created.body)![1]!;
    assert.equal((await pushed(clientId, secret)).statusCode, 201);
    assert.equal((await pushed(clientId, 'wrong')).statusCode, 401);
    assert.match((await admin.get('/console/developer')).body, /Parking permits \(test\)/);
  });

  test('production clients need https and their own keys, and wait for a platform admin', async () => {
    const organisation = await buildOrganisation(t.db);
    const admin = await signIn(['organisation_admin'], organisation.id);
    const noKeys = await admin.submit('/console/developer', '/console/developer/clients', { name: 'Tax (test)', purpose: 'Tax returns.', redirectUris: 'http://localhost:4000/cb', environment: 'production', jwks: '' });
    assert.equal(noKeys.statusCode, 400);
    assert.match(noKeys.body, /href="#field-redirectUris"/);
    assert.match(noKeys.body, /href="#field-jwks"/);
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' }] });
    const requested = await admin.submit('/console/developer', '/console/developer/clients', { name: 'Tax (test)', purpose: 'Tax returns.', redirectUris: 'https://tax.example/cb', environment: 'production', jwks });
    assert.equal(requested.statusCode, 303);
    assert.equal((await t.db.selectFrom('oidc_models').select('id').where('kind', '=', 'Client').where((eb) => eb.ref('payload', '->>').key('client_name' as never), '=', 'Tax (test)').execute()).length, 0);

    const other = await signIn(['organisation_admin']);
    assert.doesNotMatch((await other.get('/console/developer')).body, /Tax \(test\)/, "another organisation's services are not listed");
    assert.equal((await (await signIn(['officer'])).get('/console/developer')).statusCode, 403);
    assert.equal((await admin.get('/console/developer/requests')).statusCode, 403);

    const platform = await signIn(['platform_admin']);
    const queue = await platform.get('/console/developer/requests');
    const action = /action="(\/console\/developer\/requests\/[^"]+\/approve)"/.exec(queue.body)![1]!;
    assert.equal((await platform.submit('/console/developer/requests', action, {})).statusCode, 303);
    assert.equal((await platform.submit('/console/developer/requests', action, {})).statusCode, 409, 'a request is decided once');
    assert.match((await admin.get('/console/developer')).body, /Tax \(test\)/);
  });
});
