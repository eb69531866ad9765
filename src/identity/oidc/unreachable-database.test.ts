import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { systemContext } from '../../platform/context.ts';
import { createTestAppBehindProxy, type TestAppBehindProxy } from '../../../test/support/app.ts';
import { RP_REDIRECT } from '../../../test/support/identity-factories.ts';
import { registerClient } from './clients.ts';

// The provider's endpoints with a database that really cannot be reached: the app runs through a TCP proxy, which is cut.

let t: TestAppBehindProxy;
const logged: { level: number; msg: string; route?: string }[] = [];
let client: { clientId: string; clientSecret: string };

before(async () => {
  const logger = pino({ level: 'warn' }, new Writable({ write(line, _encoding, done) { logged.push(JSON.parse(String(line))); done(); } }));
  t = await createTestAppBehindProxy({}, logger);
  const registered = await registerClient(t.db, systemContext('test'), { clientName: 'Outage Service (test)', purpose: 'Testing.', redirectUris: [RP_REDIRECT] });
  client = { clientId: registered.clientId, clientSecret: registered.clientSecret! };
});
after(async () => { await t.close(); });

const basic = () => `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const authorization = () => `/oidc/auth?${form({ client_id: client.clientId, redirect_uri: RP_REDIRECT, response_type: 'code', scope: 'openid', state: 'state-1', code_challenge: CHALLENGE, code_challenge_method: 'S256' })}`;

test('token, PAR, authorization, discovery and JWKS with the database unreachable: 503 temporarily_unavailable with Retry-After, logged once, no stack on stderr', async () => {
  await t.proxy.cut();
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => { stderr.push(String(chunk)); return (write as (...args: unknown[]) => boolean)(chunk, ...rest); }) as typeof process.stderr.write;
  try {
    const outage = (since: number) => logged.slice(since).filter((entry) => entry.msg === 'openid provider: the database cannot be reached');
    const requests = {
      token: { method: 'POST', url: '/oidc/token', headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, payload: form({ grant_type: 'refresh_token', refresh_token: 'a-refresh-token-of-forty-three-characters-xx' }) },
      pushed_authorization_request: { method: 'POST', url: '/oidc/request', headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, payload: form({ redirect_uri: RP_REDIRECT, response_type: 'code', scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256' }) },
      authorization: { method: 'GET', url: authorization(), headers: { accept: 'application/json' } },
    } as const;
    for (const [route, request] of Object.entries(requests)) {
      const since = logged.length;
      const response = await t.app.inject(request);
      assert.equal(response.statusCode, 503, route);
      assert.equal(response.headers['retry-after'], '5', route);
      assert.equal(response.headers['cache-control'], 'no-store', route);
      assert.equal(response.json().error, 'temporarily_unavailable', route);
      assert.match(response.json().error_description, /temporarily unavailable/, route);
      assert.deepEqual(outage(since).map((entry) => [entry.level, entry.route]), [[40, route]], `${route}: logged once, as a warning`);
      assert.equal(logged.slice(since).filter((entry) => entry.msg === 'openid provider error').length, 0, route);
    }

    // A browser's authorization request gets the provider's error page, not JSON.
    const since = logged.length;
    const page = await t.app.inject({ method: 'GET', url: authorization(), headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 503);
    assert.equal(page.headers['retry-after'], '5');
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<h1>Sign-in could not continue<\/h1><p>temporarily_unavailable: The service is temporarily unavailable/);
    assert.equal(outage(since).length, 1);

    // Discovery and the signing keys are answered without the database (the keys are read at start).
    for (const url of ['/oidc/.well-known/openid-configuration', '/oidc/jwks']) {
      const response = await t.app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
      assert.equal(response.statusCode, 200, url);
    }
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(stderr, [], 'nothing printed to stderr (no stack from Koa)');
});
