import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import type { TestApp } from '../../../test/support/app.ts';
import { countingStatements, testLogger } from '../../../test/support/database.ts';
import { freePort, listeningTestApp } from '../../../test/support/app.ts';
import { authorizeInBrowser, Browser, buildCitizen, RP_REDIRECT } from '../../../test/support/identity-factories.ts';
import { systemContext } from '../../platform/context.ts';
import { createDatabase, type Trx } from '../../platform/db/database.ts';
import { clearFailures } from '../../platform/throttle/index.ts';
import { documentKeys } from '../proofing.ts';
import { registerClient } from './clients.ts';
import { createProvider, pairwiseSubject } from './provider.ts';
import type { TokenBundleRequest } from './store.ts';
import { throttleProbe, throttleRules } from './throttle.ts';
import { answerUserinfo, keptTokenBundles, type UserinfoDeps } from './userinfo.ts';

// Userinfo's fast path (userinfo.ts) beside the provider's own: the same answer when it answers, and every refusal
// left to the provider (the same 401 invalid_token, WWW-Authenticate and CORS headers as before).

let t: TestApp;
let base: string;
let deps: UserinfoDeps;
before(async () => {
  ({ t, base } = await listeningTestApp());
  deps = { readBundle: keptTokenBundles(t.db), provider: await createProvider({ db: t.db, config: t.config, logger: testLogger }), keys: documentKeys(t.config), logger: testLogger, pairwiseSubject: pairwiseSubject(t.config.SESSION_SECRET) };
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

  test('an answer kept with its token is made again when the citizen edits the profile', async () => {
    const { citizen, tokens } = await signedIn();
    const claims = async () => (await userinfo(bearer(tokens.access_token))).json() as Promise<Record<string, unknown>>;
    const first = await claims();
    assert.deepEqual(await claims(), first);
    await sql`UPDATE citizen_profile_fields SET value = 'LEE, Renamed' WHERE citizen_id = ${citizen.id} AND field = 'name_en'`.execute(t.db);
    assert.deepEqual(await claims(), { ...first, name: 'LEE, Renamed' });
  });

  test('refuses an expired token (its own expiry, before the row is swept)', async () => {
    const { tokens } = await signedIn();
    await setToken(tokens.access_token, sql`payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch from now())::int - 60))`);
    await assertRefused(tokens.access_token, 401, 'invalid_token');
  });

  test('refuses a token whose grant was revoked, by another process too (the change log is read at every call)', async () => {
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

/** The fast path's answer: undefined when it left the request to the provider. */
async function fastPathAnswer(readBundle: UserinfoDeps['readBundle'], token: string): Promise<{ status: number; headers: Record<string, unknown>; body: Record<string, unknown> } | undefined> {
  const req = { method: 'GET', headers: bearer(token), socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
  const answer = { status: 0, headers: {}, body: {} };
  const res = {
    writeHead: (status: number, headers: Record<string, unknown>) => { Object.assign(answer, { status, headers }); return res; },
    end: (text: string) => { answer.body = JSON.parse(text) as Record<string, unknown>; return res; },
  } as unknown as ServerResponse;
  return (await answerUserinfo({ ...deps, readBundle }, req, res, '127.0.0.1')) ? answer : undefined;
}
/** The claims the fast path answered with (undefined: left to the provider). */
async function fastPathClaims(readBundle: UserinfoDeps['readBundle'], token: string): Promise<Record<string, unknown> | undefined> {
  const answer = await fastPathAnswer(readBundle, token);
  if (answer) assert.equal(answer.status, 200);
  return answer?.body;
}

/** A service registered with client_secret_basic, for signing several citizens in. */
async function service(name: string) {
  const { clientId, clientSecret } = await registerClient(t.db, systemContext('test'), { clientName: name, purpose: 'Testing.', redirectUris: [RP_REDIRECT] });
  return oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [RP_REDIRECT] }, oidc.ClientSecretBasic(clientSecret!), { execute: [oidc.allowInsecureRequests] });
}
async function signInAt(config: oidc.Configuration, browser: Browser, citizen: Awaited<ReturnType<typeof buildCitizen>>) {
  const { callback, verifier, state } = await authorizeInBrowser(config, browser, citizen);
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
}

/**
 * Runs `during` while every read of a token bundle waits (on a lock on the citizens' profile fields); they go on after
 * it. `during` is given the lock's connection to look with: the test pool is small, and the waiting reads hold the rest.
 */
async function whileBundleReadsWait(during: (trx: Trx) => Promise<void>): Promise<void> {
  await t.db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE citizen_profile_fields IN ACCESS EXCLUSIVE MODE`.execute(trx);
    await during(trx);
  });
}
/** The database connections whose token bundle read waits: the fast path's reads of many (oidc_token_bundles), or the provider's of one. */
async function bundleReadsWaiting(trx: Trx, read: 'oidc_token_bundles' | 'oidc_token_bundle'): Promise<number[]> {
  // Within a transaction, pg_stat_activity is read once and kept unless cleared.
  await sql`SELECT pg_stat_clear_snapshot()`.execute(trx);
  return (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock' AND strpos(query, ${`${read}(`}) > 0`.execute(trx)).rows.map((r) => r.pid);
}
/** Waits until `until` holds, at most five seconds. */
async function eventually(until: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await until()); tries++) {
    if (tries > 500) throw new Error('never came');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('userinfo requests read together', () => {
  const probe = throttleProbe(throttleRules('127.0.0.1', undefined));

  test('concurrent requests with different tokens are read by one statement, and each gets its own claims: one citizen\'s sub differs per service', async () => {
    const [first, second] = [await service('First (test)'), await service('Second (test)')];
    const signedInCitizens = [];
    for (let i = 0; i < 3; i++) {
      const citizen = await buildCitizen(t.db, { profile: { name_en: `CHAN, Citizen ${i}` } });
      const browser = new Browser(base);
      signedInCitizens.push({ citizen, atFirst: await signInAt(first, browser, citizen), atSecond: await signInAt(second, browser, citizen) });
    }
    const asked = signedInCitizens.flatMap(({ citizen, atFirst, atSecond }) => [{ citizen, tokens: atFirst }, { citizen, tokens: atSecond }]);
    const reads = countingStatements(t.db);
    const answers = await Promise.all(asked.map(({ tokens }) => fastPathClaims(keptTokenBundles(reads.db), tokens.access_token)));
    assert.equal(reads.counter.statements, asked.length, 'a reader per request: one statement each');

    const together = countingStatements(t.db);
    const readTogether = keptTokenBundles(together.db);
    const answeredTogether = await Promise.all(asked.map(({ tokens }) => fastPathClaims(readTogether, tokens.access_token)));
    assert.equal(together.counter.statements, 1, 'one shared reader: one statement for all');
    assert.deepEqual(answeredTogether, answers);
    asked.forEach(({ citizen, tokens }, i) => {
      assert.equal(answeredTogether[i]?.sub, tokens.claims()!.sub, `request ${i}: its own sub`);
      assert.equal(answeredTogether[i]?.email, citizen.email);
      assert.equal(answeredTogether[i]?.name, `CHAN, Citizen ${Math.floor(i / 2)}`);
    });
    for (let i = 0; i < asked.length; i += 2) assert.notEqual(answeredTogether[i]?.sub, answeredTogether[i + 1]?.sub, 'the same citizen at two services: two subs');
    assert.equal(new Set(answeredTogether.map((a) => a?.sub)).size, asked.length);

    const overHttp = await Promise.all(asked.map(async ({ tokens }) => (await userinfo(bearer(tokens.access_token))).json()));
    assert.deepEqual(overHttp, answeredTogether);
  });

  test('a bad token among them leaves the others answered: unknown, expired, revoked', async () => {
    const good = [await signedIn(), await signedIn(), await signedIn()];
    const [expired, revoked] = [await signedIn(), await signedIn()];
    await setToken(expired.tokens.access_token, sql`payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch from now())::int - 60))`);
    await sql`DELETE FROM oidc_models WHERE kind = 'Grant' AND id = (SELECT payload->>'grantId' FROM oidc_models WHERE kind = 'AccessToken' AND id = ${revoked.tokens.access_token})`.execute(t.db);
    const asked = [good[0]!.tokens.access_token, 'u'.repeat(43), expired.tokens.access_token, good[1]!.tokens.access_token, revoked.tokens.access_token, good[2]!.tokens.access_token];
    const reads = countingStatements(t.db);
    const read = keptTokenBundles(reads.db);
    const answers = await Promise.all(asked.map((token) => fastPathClaims(read, token)));
    assert.equal(reads.counter.statements, 1);
    assert.deepEqual(answers.map((a) => a?.email), [good[0]!.citizen.email, undefined, undefined, good[1]!.citizen.email, undefined, good[2]!.citizen.email]);
    const statuses = await Promise.all(asked.map(async (token) => (await userinfo(bearer(token))).status));
    assert.deepEqual(statuses, [200, 401, 401, 200, 401, 200]);
  });

  test('a revocation, a withdrawn consent or a disabled account between two calls is seen by the next call, though a read sent before it is still under way', async () => {
    const [revoked, withdrawn, disabled, untouched] = [await signedIn(), await signedIn(), await signedIn(), await signedIn()];
    const all = [revoked, withdrawn, disabled, untouched];
    // Calls made while a statement is under way go in another, sent after them.
    const read = keptTokenBundles(t.db);
    const bundle = (token: string) => read({ id: token, throttle: probe } satisfies TokenBundleRequest);
    let underWay: Promise<Awaited<ReturnType<typeof bundle>>[]> | undefined;
    let after: Promise<Awaited<ReturnType<typeof bundle>>[]> | undefined;
    let afterHttp: Promise<number[]> | undefined;
    await whileBundleReadsWait(async (trx) => {
      underWay = Promise.all(all.map(({ tokens }) => bundle(tokens.access_token)));
      await eventually(async () => (await bundleReadsWaiting(trx, 'oidc_token_bundles')).length === 1);
      await sql`DELETE FROM oidc_models WHERE kind = 'Grant' AND id = (SELECT payload->>'grantId' FROM oidc_models WHERE kind = 'AccessToken' AND id = ${revoked.tokens.access_token})`.execute(t.db);
      const services = await withdrawn.browser.follow('/account/services', RP_REDIRECT);
      await withdrawn.browser.submit(services, {}, RP_REDIRECT, `/account/services/${withdrawn.clientId}/withdraw`);
      await sql`UPDATE citizens SET disabled_at = now() WHERE id = ${disabled.citizen.id}`.execute(t.db);
      after = Promise.all(all.map(({ tokens }) => bundle(tokens.access_token)));
      afterHttp = Promise.all(all.map(async ({ tokens }) => (await userinfo(bearer(tokens.access_token))).status));
    });
    // The first statement read before the changes (its requests came before them); the second, sent while the first
    // was under way, after them. They may return in either order.
    const [before, next] = [await underWay!, await after!];
    assert.equal(before.length, 4, 'the statement under way answered its requests');
    assert.ok(before.every((b) => b?.grant && b.account && !b.account.disabled_at), 'read before the changes');
    assert.equal(next[0]!.grant, null, 'revoked grant');
    assert.equal(next[1], undefined, 'withdrawn: its tokens are gone');
    assert.ok(next[2]!.account?.disabled_at, 'disabled account');
    assert.ok(next[3]!.grant && !next[3]!.account?.disabled_at);
    assert.deepEqual(await afterHttp!, [401, 401, 401, 200]);
    for (const { tokens } of [revoked, withdrawn, disabled]) await assertRefused(tokens.access_token, 401, 'invalid_token');
    // Whichever returned last, what this reader keeps is what the second read.
    const kept = await Promise.all(all.map(({ tokens }) => bundle(tokens.access_token)));
    assert.deepEqual([kept[0]!.grant, kept[1], Boolean(kept[2]!.account?.disabled_at), Boolean(kept[3]!.grant)], [null, undefined, true, true]);
  });

  test('when the database fails under a batch, each waiting request is answered 503 temporarily_unavailable with Retry-After, none hangs, and the next calls are answered', async () => {
    const citizens = [await signedIn(), await signedIn(), await signedIn()];
    let answered = 0;
    let answers: Promise<Response[]> | undefined;
    await whileBundleReadsWait(async (trx) => {
      answers = Promise.all(citizens.map(async ({ tokens }) => {
        const response = await userinfo(bearer(tokens.access_token));
        answered++;
        return response;
      }));
      // Every connection reading a batch is cut (as a failing database does) until each request has its answer.
      await eventually(async () => {
        for (const pid of await bundleReadsWaiting(trx, 'oidc_token_bundles')) await sql`SELECT pg_terminate_backend(${pid})`.execute(trx);
        return answered === citizens.length;
      });
    });
    for (const response of await answers!) {
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '5');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(await response.json(), { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Please try again shortly.' });
    }
    const next = await Promise.all(citizens.map(async ({ tokens }) => (await userinfo(bearer(tokens.access_token))).json()));
    assert.deepEqual(next.map((claims) => (claims as { email: string }).email), citizens.map(({ citizen }) => citizen.email));
  });

  test('an unreachable database: every request waiting in the batch is answered 503 at once; an error that is not the database\'s is left to the provider', async () => {
    const { tokens } = await signedIn();
    const unreachable = createDatabase(`postgres://nobody@127.0.0.1:${await freePort()}/nothing`, { poolSize: 2, logger: testLogger });
    try {
      const read = keptTokenBundles(unreachable.db);
      const answers = await Promise.all(Array.from({ length: 5 }, () => fastPathAnswer(read, tokens.access_token)));
      for (const answer of answers) {
        assert.equal(answer?.status, 503);
        assert.equal(answer.headers['retry-after'], '5');
        assert.equal(answer.body.error, 'temporarily_unavailable');
      }
    } finally {
      await unreachable.db.destroy();
    }
    const broken = () => Promise.reject(new TypeError('not a database error'));
    await assert.rejects(fastPathAnswer(broken, tokens.access_token), TypeError);
  });
});
