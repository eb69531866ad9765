import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { countingStatements } from '../../../test/support/database.ts';
import { buildCitizen } from '../../../test/support/identity-factories.ts';
import { TokenBundleCache } from './token-bundle-cache.ts';
import { throttleProbe, throttleRules } from './throttle.ts';

// The kept token bundles behind userinfo against a real database: answered from memory only after a read of the
// identity change log sent after the call, and every kind of change made elsewhere seen by the next call.

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const HOUR = 3600;
const epoch = () => Math.floor(Date.now() / 1000);
const newId = () => randomBytes(24).toString('base64url');
const probe = throttleProbe(throttleRules('192.0.2.7', undefined));
const BUNDLE_READ = 'oidc_token_bundles(';

/** A citizen's access token with its grant and sign-in session, as the provider stores them. */
async function issued(options: { grant?: boolean } = {}) {
  const citizen = await buildCitizen(t.db, { profile: { name_en: 'WONG, Tai Man' } });
  const [token, grantId, sessionUid] = [newId(), newId(), newId()];
  const expires = new Date(Date.now() + HOUR * 1000);
  const model = (kind: string, id: string, payload: Record<string, unknown>, extra: { grant_id?: string; uid?: string } = {}) => ({
    kind, id, payload: JSON.stringify({ kind, iat: epoch(), exp: epoch() + HOUR, ...payload }) as never,
    grant_id: extra.grant_id ?? null, user_code: null, uid: extra.uid ?? null, expires_at: expires, consumed_at: null,
  });
  const rows = [
    model('AccessToken', token, { jti: token, accountId: citizen.id, clientId: 'sg-test', grantId, sessionUid, expiresWithSession: true, scope: 'openid profile' }, { grant_id: grantId }),
    model('Session', newId(), { uid: sessionUid, accountId: citizen.id }, { uid: sessionUid }),
  ];
  if (options.grant !== false) rows.push(model('Grant', grantId, { accountId: citizen.id, clientId: 'sg-test', openid: { scope: 'openid profile' } }));
  await t.db.insertInto('oidc_models').values(rows).execute();
  return { citizen, token, grantId, sessionUid };
}

/** A cache reading through a statement counter: `readsBundles()` tells whether the last statement read any bundle. */
function counted(options?: ConstructorParameters<typeof TokenBundleCache>[1]) {
  const { db, counter } = countingStatements(t.db);
  const cache = new TokenBundleCache(db, options);
  return {
    cache, counter,
    read: (token: string) => cache.read({ id: token, throttle: probe }),
    readsBundles: () => counter.texts.at(-1)!.includes(BUNDLE_READ),
  };
}
const nameOf = (bundle: Awaited<ReturnType<TokenBundleCache['read']>>) => bundle?.account?.profile.find((f) => f.field === 'name_en')?.value;

describe('kept token bundles', () => {
  test('a token asked again is answered from memory after a read of the change log alone; concurrent calls share that read', async () => {
    const { token, citizen } = await issued();
    const { read, readsBundles, counter } = counted();
    const first = await read(token);
    assert.equal(readsBundles(), true);
    assert.equal(first?.account?.id, citizen.id);
    assert.equal(nameOf(first), 'WONG, Tai Man');
    const again = await read(token);
    assert.equal(readsBundles(), false, 'the log alone');
    assert.deepEqual(again, first);
    const before = counter.statements;
    const together = await Promise.all(Array.from({ length: 10 }, () => read(token)));
    assert.equal(counter.statements - before, 1);
    assert.ok(together.every((b) => b === again));
  });

  test('every change made elsewhere is seen by the next call: the profile, the account, the grant, the token, the session', async () => {
    const { read } = counted();
    const changes: [string, (i: Awaited<ReturnType<typeof issued>>) => Promise<unknown>, (b: Awaited<ReturnType<typeof read>>) => void][] = [
      ['profile edited', (i) => sql`UPDATE citizen_profile_fields SET value = 'WONG, Siu Ming' WHERE citizen_id = ${i.citizen.id} AND field = 'name_en'`.execute(t.db),
        (b) => assert.equal(nameOf(b), 'WONG, Siu Ming')],
      ['profile field added', (i) => sql`INSERT INTO citizen_profile_fields (citizen_id, field, value) VALUES (${i.citizen.id}, 'name_zh', '王大文')`.execute(t.db),
        (b) => assert.ok(b?.account?.profile.some((f) => f.value === '王大文'))],
      ['account disabled', (i) => sql`UPDATE citizens SET disabled_at = now() WHERE id = ${i.citizen.id}`.execute(t.db), (b) => assert.ok(b?.account?.disabled_at)],
      ['grant withdrawn', (i) => sql`DELETE FROM oidc_models WHERE kind = 'Grant' AND id = ${i.grantId}`.execute(t.db), (b) => assert.equal(b?.grant, null)],
      ['token revoked', (i) => sql`DELETE FROM oidc_models WHERE kind = 'AccessToken' AND id = ${i.token}`.execute(t.db), (b) => assert.equal(b, undefined)],
      ['token changed', (i) => sql`UPDATE oidc_models SET payload = jsonb_set(payload, '{scope}', '"profile"') WHERE kind = 'AccessToken' AND id = ${i.token}`.execute(t.db),
        (b) => assert.equal(b?.payload.scope, 'profile')],
      ['sign-in ended', (i) => sql`DELETE FROM oidc_models WHERE kind = 'Session' AND uid = ${i.sessionUid}`.execute(t.db), (b) => assert.equal(b?.session, null)],
    ];
    for (const [name, change, check] of changes) {
      const issuedToken = await issued();
      await read(issuedToken.token);
      assert.ok(await read(issuedToken.token), `${name}: kept`);
      await change(issuedToken);
      check(await read(issuedToken.token));
    }
  });

  test('a change whose transaction was in progress at a read is seen once it commits, though later changes were read before it', async () => {
    const slow = await issued();
    const other = await issued();
    const { read } = counted();
    await read(slow.token);
    let commit!: () => void;
    let changed!: () => void;
    const changedInTransaction = new Promise<void>((resolve) => { changed = resolve; });
    const transaction = t.db.transaction().execute(async (trx) => {
      await sql`UPDATE citizen_profile_fields SET value = 'WONG, Changed Late' WHERE citizen_id = ${slow.citizen.id} AND field = 'name_en'`.execute(trx);
      changed();
      await new Promise<void>((resolve) => { commit = resolve; });
    });
    await changedInTransaction;
    // A later change, committed first: the log's newest entry is now past the one still uncommitted.
    await sql`UPDATE citizen_profile_fields SET value = 'CHAN, Other' WHERE citizen_id = ${other.citizen.id} AND field = 'name_en'`.execute(t.db);
    assert.equal(nameOf(await read(slow.token)), 'WONG, Tai Man', 'not committed yet');
    commit();
    await transaction;
    assert.equal(nameOf(await read(slow.token)), 'WONG, Changed Late');
  });

  test('a failure counted against the caller\'s address sends the next call to the database, which tells it', async () => {
    const { token } = await issued();
    const { read, readsBundles } = counted();
    await read(token);
    await read(token);
    assert.equal(readsBundles(), false);
    const key = probe.keys[0]!;
    await sql`INSERT INTO throttle_counters (key, window_start, failures, last_failure_at) VALUES (${key}, now(), 50, now())`.execute(t.db);
    try {
      assert.equal((await read(token))?.throttleCounted, true);
      assert.equal(readsBundles(), true);
      assert.equal((await read(token))?.throttleCounted, true, 'a counted address is read again every time');
      assert.equal(readsBundles(), true);
    } finally {
      await sql`DELETE FROM throttle_counters WHERE key = ${key}`.execute(t.db);
    }
    assert.equal((await read(token))?.throttleCounted, false);
    await read(token);
    assert.equal(readsBundles(), false, 'cleared: kept again');
  });

  test('a bundle without its grant is not kept: an insert, which the log does not name, could complete it', async () => {
    const { token } = await issued({ grant: false });
    const { read, readsBundles } = counted();
    assert.equal((await read(token))?.grant, null);
    await read(token);
    assert.equal(readsBundles(), true);
  });

  test('what is held is forgotten after ten minutes without a read of the log, or when more changed than it would carry', async () => {
    const { token } = await issued();
    let now = Date.now();
    const { cache, read, readsBundles, counter } = counted({ now: () => now });
    await read(token);
    now += 11 * 60_000;
    await read(token);
    assert.equal(readsBundles(), true, 'idle: read again');
    await read(token);
    assert.equal(readsBundles(), false);
    await sql`INSERT INTO identity_changes (key) SELECT 'citizen:' || gen_random_uuid() FROM generate_series(1, 10001)`.execute(t.db);
    const before = counter.statements;
    assert.ok(await read(token));
    assert.equal(counter.statements - before, 2, 'too many changes: forgotten, so read again');
    assert.equal(readsBundles(), true);
    assert.equal(cache.size, 1);
  });
});

/**
 * A cache whose statements return only when the test lets them, in the order it chooses (each has read by then);
 * after `letAllReturn()`, every statement returns at once.
 */
function heldBack(overlapAt = 1) {
  const held: (() => void)[] = [];
  let holding = true;
  const db = t.db.withPlugin({
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      if (holding) await new Promise<void>((resolve) => held.push(resolve));
      return args.result;
    },
  });
  // By default another statement is sent while one is under way as soon as a call waits (in service: after 16).
  const cache = new TokenBundleCache(db, { overlapAt });
  /** Waits for the `i`th statement (from 0) to have read. */
  const statement = async (i: number) => {
    while (!held[i]) await new Promise((resolve) => setTimeout(resolve, 5));
    return { release: held[i]! };
  };
  const letAllReturn = () => {
    holding = false;
    for (const release of held) release();
  };
  return { read: (token: string) => cache.read({ id: token, throttle: probe }), statement, count: () => held.length, letAllReturn };
}

describe('kept token bundles, statements returning out of order', () => {
  test('a bundle read before a change but returned after the statement that reported it is not kept', async () => {
    const other = await issued();
    const slow = await issued();
    const { read, statement, letAllReturn } = heldBack();
    const first = read(other.token);
    (await statement(0)).release();
    await first;
    const early = read(slow.token);
    await statement(1);
    await sql`UPDATE citizen_profile_fields SET value = 'WONG, Renamed' WHERE citizen_id = ${slow.citizen.id} AND field = 'name_en'`.execute(t.db);
    const late = read(slow.token);
    (await statement(2)).release();
    assert.equal(nameOf(await late), 'WONG, Renamed');
    // Asked again: the log is read from where the second statement left it, which the change is behind.
    const again = read(slow.token);
    await statement(3);
    (await statement(1)).release();
    assert.equal(nameOf(await early), 'WONG, Tai Man', 'read before the change, which it was asked before');
    (await statement(3)).release();
    assert.equal(nameOf(await again), 'WONG, Renamed', 'the older read was not kept');
    letAllReturn();
  });

  test('until a first statement returns, no other is sent: there is no place in the log to read changes from', async () => {
    const { token, citizen } = await issued();
    const { read, statement, count, letAllReturn } = heldBack();
    const early = read(token);
    await statement(0);
    await sql`UPDATE citizen_profile_fields SET value = 'WONG, Renamed' WHERE citizen_id = ${citizen.id} AND field = 'name_en'`.execute(t.db);
    const late = read(token);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(count(), 1, 'the second waits');
    letAllReturn();
    assert.equal(nameOf(await early), 'WONG, Tai Man');
    assert.equal(nameOf(await late), 'WONG, Renamed');
    assert.equal(nameOf(await read(token)), 'WONG, Renamed');
  });

  test('in service, while a statement is under way another is sent only once 16 calls wait for it', async () => {
    const { token } = await issued();
    const { read, statement, count, letAllReturn } = heldBack(16);
    const first = read(token);
    (await statement(0)).release();
    await first;
    const calls = [read(token)];
    await statement(1);
    for (let i = 0; i < 15; i++) calls.push(read(token));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(count(), 2, '15 wait for the statement under way');
    calls.push(read(token));
    await statement(2);
    letAllReturn();
    assert.ok((await Promise.all(calls)).every((bundle) => bundle?.account));
  });
});
