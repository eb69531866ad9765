import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildApp, type App } from '../app.ts';
import { createDatabase, type Db } from '../platform/db/database.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { testLogger } from '../../test/support/database.ts';
import { buildServiceWithForm, uniqueSlug } from '../../test/support/services-factories.ts';
import { DRIVING_LICENCE_FORM } from './sample-form.ts';
import { VersionedCache } from './catalogue-cache.ts';

// Search answers are cached per process: a second app on its own pool stands for another process.
let t: TestApp;
let other: { app: App; db: Db };
before(async () => {
  t = await createTestApp();
  const { db } = createDatabase(t.config.DATABASE_URL!, { poolSize: 2, logger: testLogger });
  other = { db, app: await buildApp({ config: t.config, db, logger: testLogger }) };
});
after(async () => {
  await other.app.close();
  await other.db.destroy();
  await t.close();
});

const slugsFound = async (app: App, query: string) =>
  (await app.inject(`/api/v1/services?${query}`)).json().services.map((s: { slug: string }) => s.slug) as string[];

test('a change made by another process is in the very next search, answered from cache or not', async () => {
  const slug = uniqueSlug('kite');
  const { service } = await buildServiceWithForm(t.db, DRIVING_LICENCE_FORM, { slug, nameEn: 'Kite flying permit' });
  await sql`UPDATE services SET search_terms = ARRAY['kite', 'flying', 'permit'] WHERE id = ${service.id}`.execute(t.db);
  for (let i = 0; i < 2; i++) assert.deepEqual(await slugsFound(t.app, 'q=kite'), [slug], 'found, then found again from the cache');

  await sql`UPDATE services SET status = 'withdrawn' WHERE id = ${service.id}`.execute(other.db);
  assert.deepEqual(await slugsFound(t.app, 'q=kite'), [], 'withdrawn elsewhere: gone at once');
  await sql`UPDATE services SET status = 'published', name_en = 'Kite flying permit (renamed)' WHERE id = ${service.id}`.execute(other.db);
  const page = (await t.app.inject('/api/v1/services?q=kite')).json();
  assert.equal(page.services[0].name.en, 'Kite flying permit (renamed)');
  const html = await t.app.inject({ url: '/services?q=kite', headers: { accept: 'text/html' } });
  assert.match(html.body, /Kite flying permit \(renamed\)/);
});

test('a change rolled back leaves the catalogue version where it was', async () => {
  const version = async () => Number((await sql<{ version: string }>`SELECT version FROM catalogue_version`.execute(t.db)).rows[0]!.version);
  const before = await version();
  await assert.rejects(t.db.transaction().execute(async (trx) => {
    await sql`UPDATE services SET name_en = name_en`.execute(trx);
    throw new Error('changed my mind');
  }));
  assert.equal(await version(), before);
  await sql`UPDATE services SET name_en = name_en WHERE false`.execute(t.db);
  assert.equal(await version(), before + 1);
});

test('the cache answers only for the version it was filled at, and forgets the least recently used first', async () => {
  const cache = new VersionedCache<string>(2);
  cache.set(1, 'a', 'A');
  cache.set(1, 'b', 'B');
  assert.equal(cache.get(1, 'a'), 'A');
  cache.set(1, 'c', 'C');
  assert.equal(cache.get(1, 'b'), undefined, 'b was least recently used');
  assert.equal(cache.get(1, 'a'), 'A');
  assert.equal(cache.get(2, 'a'), undefined, 'another version');
  let computed = 0;
  assert.equal(await cache.through(2, 'a', async () => `A${++computed}`), 'A1');
  assert.equal(await cache.through(2, 'a', async () => `A${++computed}`), 'A1');
  assert.equal(cache.get(1, 'c'), undefined, 'a new version empties the cache');
});

test('a search query is bounded: past 200 characters a 400 problem, and a query of many words still answers', async () => {
  const huge = await t.app.inject(`/api/v1/services?q=${encodeURIComponent(Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(' '))}`);
  assert.equal(huge.statusCode, 400);
  assert.match(huge.headers['content-type'] ?? '', /problem\+json/);
  // 100 one-letter words fit in 200 characters; only the first 20 distinct terms are searched.
  const many = await t.app.inject(`/api/v1/services?q=${encodeURIComponent(Array.from({ length: 100 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(' '))}`);
  assert.equal(many.statusCode, 200);
  assert.equal(many.json().total, 0);
});
