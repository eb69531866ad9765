import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Fastify from 'fastify';
import { sql } from 'kysely';
import Provider, { type ClientLike } from 'oidc-provider';
import { registerClient } from '../src/identity/index.ts';
import { hashPassword } from '../src/identity/password.ts';
import * as store from '../src/identity/store.ts';
import { systemContext } from '../src/platform/context.ts';
import type { Db } from '../src/platform/db/database.ts';
import { interleavedRuns, load, runs, type Benchmark, type BenchResult } from './harness.ts';
import { signIn, type DriverAnswer, type DriverRequest, type Persona, type SignInTarget } from './identity-sign-in-driver.ts';

// iAM Smart's OpenID Provider: the token endpoint (refresh_token grant, confidential client) and userinfo beside a
// bare oidc-provider with its in-memory store, measured in the same run, and beside a bare Fastify route; then
// complete sign-ins (authorization request → sign-in page → password, argon2id at OWASP parameters → provider
// redirects → code exchange). Targets: token ≥ 0.5× bare provider; userinfo ≥ 0.3× baseline; ≥ 30 sign-ins/s
// sustained for a minute with p99 under 1 s.
const REDIRECT = 'http://127.0.0.1:9/callback';
const SCOPE = 'openid email';
const PERSONAS = 20;
// Userinfo is asked with a different citizen's token at each request, in turn: with concurrent reads coalesced into one
// statement, the same token at every request would measure less work than real traffic brings. Those 200 tokens are
// kept in memory after their first call (checked against the change log at every call); a second case asks each of
// FIRST_CALL_TOKENS tokens once, each read from the database: copies of the citizens' real tokens under new ids (same
// grant, session and citizen), as minting them through the token endpoint would take longer than the run.
const USERINFO_CITIZENS = 200;
const FIRST_CALL_TOKENS = 50_000;
const SET_UP_CONCURRENCY = 4;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

interface Minting { RefreshToken: new (init: Record<string, unknown>) => { save(): Promise<string> }; AccessToken: new (init: Record<string, unknown>) => { save(): Promise<string> } }

/** oidc-provider as its README starts it: in-memory adapter, one confidential client, a refresh token and `accounts` access tokens (one grant each) minted. */
export async function bareProvider(accounts = 1) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(base, {
    clients: [{ client_id: 'bare', client_secret: 'bare-secret-for-the-benchmark', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }],
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id, email: 'citizen@bench.example', email_verified: true }) }),
    scopes: ['openid', 'offline_access', 'email'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
    issueRefreshToken: async () => true,
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, RefreshToken: 14 * 24 * 3600, Grant: 365 * 24 * 3600 },
  });
  server.on('request', provider.callback());
  const client = (await provider.Client.find('bare')) as ClientLike;
  const minting = provider as unknown as Minting;
  const granted = async (accountId: string) => {
    const grant = new provider.Grant({ accountId, clientId: 'bare' });
    grant.addOIDCScope(SCOPE);
    return { accountId, client, grantId: await grant.save(), scope: SCOPE };
  };
  const refreshToken = await new minting.RefreshToken({ ...(await granted('bench-account-0')), gty: 'authorization_code', authTime: Math.floor(Date.now() / 1000) }).save();
  const accessTokens: string[] = [];
  for (let i = 0; i < accounts; i++) accessTokens.push(await new minting.AccessToken({ ...(await granted(`bench-account-${i}`)), gty: 'authorization_code' }).save());
  return { base, refreshToken, accessToken: accessTokens[0]!, accessTokens, close: () => new Promise((resolve) => server.close(resolve)) };
}

const ROUNDS = Number(process.env.BENCH_IDENTITY_ROUNDS ?? 2);
const interleaved = <K extends string>(cases: Record<K, () => Promise<{ rate: number; p99Ms: number }>>) => interleavedRuns(cases, ROUNDS);

/** `count` new access tokens, copies of `tokens` in turn under new ids (same grant, session and citizen). */
async function copiesOf(db: Db, tokens: string[], count: number): Promise<string[]> {
  const each = Math.ceil(count / tokens.length);
  const { rows } = await sql<{ id: string }>`INSERT INTO oidc_models (kind, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
    SELECT t.kind, c.id, jsonb_set(t.payload, '{jti}', to_jsonb(c.id)), t.grant_id, t.user_code, t.uid, t.expires_at, NULL
    FROM oidc_models t CROSS JOIN generate_series(1, ${each}) g CROSS JOIN LATERAL (SELECT md5(t.id || g::text || random()::text) AS id) c
    WHERE t.kind = 'AccessToken' AND t.id = ANY(${tokens}::text[]) RETURNING id`.execute(db);
  // Shuffled across citizens (the ids are random), as real first calls come.
  return rows.map((r) => r.id).sort().slice(0, count);
}

function driveSignIns(request: DriverRequest): Promise<DriverAnswer> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, 'identity-sign-in-driver.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    let answer: DriverAnswer | undefined;
    child.once('message', (message) => { answer = message as DriverAnswer; });
    child.once('error', reject);
    child.once('exit', (code) => (answer ? resolve(answer) : reject(new Error(`sign-in driver exited with ${code} and no result`))));
    child.send(request);
  });
}

const identity: Benchmark = async ({ url, db, config, seconds }) => {
  const ctx = systemContext('bench');
  const { clientId, clientSecret } = await registerClient(db, ctx, { clientName: 'Benchmark service', purpose: 'Benchmark.', redirectUris: [REDIRECT] });
  const password = 'benchmark citizen password';
  const passwordHash = await hashPassword(password);
  const personas: Persona[] = [];
  for (let i = 0; i < Math.max(PERSONAS, USERINFO_CITIZENS); i++) {
    const email = `bench-citizen-${i}@bench.example`;
    const citizen = await store.insertCitizen(db, { email, password_hash: passwordHash, totp_secret: null, totp_pending_secret: null, proofed_at: null, disabled_at: null });
    await store.upsertProfileField(db, { citizen_id: citizen.id, field: 'email', value: email, verified: true });
    personas.push({ email, password });
  }
  const target: SignInTarget = { base: url, publicBase: config.BASE_URL, clientId, clientSecret: clientSecret!, redirectUri: REDIRECT, scope: SCOPE };
  // Each persona signs in once and consents, so the measured sign-ins are returning citizens (no consent screen).
  const tokens: Awaited<ReturnType<typeof signIn>>[] = [];
  // Four at a time, as citizens arrive: concurrent first sign-ins (and consents) to one service must all succeed.
  for (let i = 0; i < personas.length; i += SET_UP_CONCURRENCY) tokens.push(...(await Promise.all(personas.slice(i, i + SET_UP_CONCURRENCY).map((persona) => signIn(target, persona)))));
  const ours = tokens[0]!;
  const bearers = (accessTokens: string[]) => accessTokens.map((token) => ({ authorization: `Bearer ${token}` }));

  const bareFastify = Fastify();
  bareFastify.get('/ping', async () => ({ status: 'ok' }));
  const pingUrl = await bareFastify.listen({ port: 0, host: '127.0.0.1' });
  const bare = await bareProvider(USERINFO_CITIZENS);
  const refreshBody = (token: string) => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const rows: BenchResult[] = [];
  try {
    // Userinfo cases first: the in-memory store is an LRU of 1,000 entries, and the token load's new access tokens evict the old.
    const { baseline, bareUserinfo, userinfo } = await interleaved({
      baseline: () => load(`${pingUrl}/ping`, { seconds }),
      bareUserinfo: () => load(`${bare.base}/me`, { seconds, headerSets: bearers(bare.accessTokens) }),
      userinfo: () => load(`${url}/oidc/me`, { seconds, headerSets: bearers(tokens.slice(0, USERINFO_CITIZENS).map((t) => t.access_token)) }),
    });
    const { bareToken, token } = await interleaved({
      bareToken: () => load(`${bare.base}/token`, { seconds, method: 'POST', body: refreshBody(bare.refreshToken), headers: { ...form, authorization: basic('bare', 'bare-secret-for-the-benchmark') } }),
      token: () => load(`${url}/oidc/token`, { seconds, method: 'POST', body: refreshBody(ours.refresh_token!), headers: { ...form, authorization: basic(clientId, clientSecret!) } }),
    });
    const group = 'iAM Smart OpenID Provider';
    rows.push(
      { group, name: 'baseline: bare Fastify route', ...baseline, ratio: 1, note: runs(baseline) },
      { group, name: 'bare oidc-provider, in-memory: token (refresh_token grant)', ...bareToken, ratio: bareToken.rate / baseline.rate, note: runs(bareToken) },
      { group, name: 'bare oidc-provider, in-memory: userinfo', ...bareUserinfo, ratio: bareUserinfo.rate / baseline.rate, note: runs(bareUserinfo) },
      { group, name: 'smartgov: token (refresh_token grant, client_secret_basic)', ...token, ratio: token.rate / baseline.rate, note: `${(token.rate / bareToken.rate).toFixed(2)}× the bare provider; target ≥ 0.5×; ${runs(token)}` },
      { group, name: 'smartgov: userinfo, 200 citizens\' tokens in turn (kept bundles)', ...userinfo, ratio: userinfo.rate / baseline.rate, note: `${(userinfo.rate / bareUserinfo.rate).toFixed(2)}× the bare provider; target ≥ 0.3× baseline; ${runs(userinfo)}` },
    );

    // BENCH_IDENTITY_SIGN_INS=0 leaves the (slow) sign-in cases out while the token side is worked on.
    const signIns = process.env.BENCH_IDENTITY_SIGN_INS === '0' ? [] : await signInRows(target, personas.slice(0, PERSONAS), seconds);

    // Last, and beside a baseline of its own: writing the copies (about 100 MB) slowed the sign-ins measured after them
    // from 50 a second to 29.
    const firstCalls = await copiesOf(db, tokens.slice(0, USERINFO_CITIZENS).map((t) => t.access_token), FIRST_CALL_TOKENS * ROUNDS);
    let round = 0;
    const { baseline: beside, userinfoFirstCall } = await interleaved({
      baseline: () => load(`${pingUrl}/ping`, { seconds }),
      userinfoFirstCall: () => load(`${url}/oidc/me`, { seconds, once: true, headerSets: bearers(firstCalls.slice(FIRST_CALL_TOKENS * round, FIRST_CALL_TOKENS * ++round)) }),
    });
    rows.push(
      { group, name: 'smartgov: userinfo, every call a token never asked before (read from the database)', ...userinfoFirstCall, ratio: userinfoFirstCall.rate / beside.rate, note: `beside a baseline of ${beside.rate.toFixed(0)} req/s measured with it; ${(userinfoFirstCall.rate / bareUserinfo.rate).toFixed(2)}× the bare provider; ${runs(userinfoFirstCall)}` },
      ...signIns,
    );
  } finally {
    await bareFastify.close();
    await bare.close();
  }
  return rows;
};

/** Complete sign-ins: as many as 16 citizens signing in back to back manage, then 30 started every second for a minute. */
async function signInRows(target: SignInTarget, personas: Persona[], seconds: number): Promise<BenchResult[]> {
  const group = 'iAM Smart complete sign-ins (password, argon2id 19 MiB × 2)';
  const capacity = await driveSignIns({ target, personas, mode: 'closed', concurrency: 16, perSecond: 0, seconds });
  const sustainedSeconds = Math.max(seconds, 60);
  const sustained = await driveSignIns({ target, personas, mode: 'open', concurrency: 0, perSecond: 30, seconds: sustainedSeconds });
  const rows: BenchResult[] = [];
  for (const [name, answer] of [['16 citizens signing in back to back (capacity)', capacity], [`30 sign-ins started every second for ${sustainedSeconds} s (target: all complete, p99 < 1 s)`, sustained]] as const) {
    // Under overload sign-ins fail (the pool's wait for a connection times out): a result to report, not a harness fault.
    const failures = answer.failed ? `; ${answer.failed} failed, first: ${answer.firstError?.slice(0, 120)}` : '';
    // Completed over the time until the last one finished: a backlog that drains after the arrivals stop does not count as kept up.
    rows.push({ group, name, rate: answer.completed / answer.seconds, p99Ms: answer.p99Ms, unit: 'sign-ins/s', note: `${answer.completed} completed in ${answer.seconds.toFixed(0)} s${failures}` });
  }
  return rows;
}
export default identity;
