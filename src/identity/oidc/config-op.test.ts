import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../../../test/support/app.ts';
import { listeningTestApp } from '../../../test/support/app.ts';
import { privateKeyJwtClient } from '../../../test/support/identity-factories.ts';
import { testLogger } from '../../../test/support/database.ts';
import { buildApp } from '../../app.ts';
import { ACR } from '../assurance.ts';
import { rotateSigningKeys } from './keys.ts';

// Mirrors the OpenID Foundation conformance suite's Config OP module (the suite itself needs Docker):
// discovery, JWKS and key rotation, seen by openid-client as a real relying party over HTTP on 127.0.0.1.

let t: TestApp;
let base: string;
before(async () => { ({ t, base } = await listeningTestApp()); });
after(async () => { await t.close(); });

describe('Config OP (oidcc-discovery, jwks)', () => {
  test('discovery document and JWKS', async () => {
    const { config } = await privateKeyJwtClient(t, base);
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
});
