import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { countingStatements } from '../../test/support/database.ts';
import { buildOrganisation } from '../../test/support/factories.ts';
import { buildDataset } from '../../test/support/opendata-factories.ts';
import { systemContext } from '../platform/context.ts';
import { seedOrganisations } from '../organisations/index.ts';
import { seedSyntheticDatasets } from './index.ts';
import { packageSearch, packageShow } from './ckan/package-actions.ts';
import { searchCatalogue, type SearchOptions } from './search.ts';
import { disableSearchCache, SearchCache } from './search-cache.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await seedOrganisations(t.db, systemContext('test'));
  await seedSyntheticDatasets(t.db, systemContext('test'), 1100);
});
after(async () => { await t.close(); });

describe('statements per CKAN call', () => {
  test('package_search is one statement whatever the page size, with or without a query and facets', async () => {
    const { db, counter } = countingStatements(t.db);
    const search = async (params: Record<string, string>) => {
      const before = counter.statements;
      const result = await packageSearch({ db, params, locale: 'en', baseUrl: 'http://localhost' }) as { results: unknown[] };
      return { statements: counter.statements - before, results: result.results.length };
    };
    await search({});
    const cases: Record<string, string>[] = [{}, { q: 'rainfall' }, { q: '雨量', 'facet.field': '["organization","tags","res_format"]' }, { fq: 'groups:transport', sort: 'name asc' }];
    for (const extra of cases) {
      const small = await search({ ...extra, rows: '10' });
      const large = await search({ ...extra, rows: '1000' });
      assert.ok(large.results > small.results || large.results < 10, JSON.stringify(extra));
      assert.deepEqual([small.statements, large.statements], [1, 1], JSON.stringify(extra));
    }
  });

  test('package_show is one statement: the dataset and its resources', async () => {
    const { db, counter } = countingStatements(t.db);
    const show = (id: string) => packageShow({ db, params: { id }, locale: 'en', baseUrl: 'http://localhost' }) as Promise<{ resources: unknown[] }>;
    await show('synthetic-000001');
    const before = counter.statements;
    const shown = await show('synthetic-000002');
    assert.equal(shown.resources.length, 1);
    assert.equal(counter.statements - before, 1);
    await assert.rejects(show('no-such-dataset'), /Not found/);
  });
});

test('the whole catalogue\'s count, kept by triggers, follows datasets added, changed and removed', async () => {
  const total = async () => (await t.app.inject({ method: 'GET', url: `/api/3/action/package_search?rows=0&_=${Math.random()}` })).json().result.count;
  const counted = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM opendata_datasets`.execute(t.db)).rows[0]!.n);
  assert.equal(await total(), await counted());
  const organisation = await buildOrganisation(t.db);
  const added = await Promise.all([1, 2, 3].map(() => buildDataset(t.db, { organisationId: organisation.id })));
  await sql`UPDATE opendata_datasets SET title_en = 'Changed' WHERE id = ${added[0]!.id}`.execute(t.db);
  assert.equal(await total(), await counted());
  await sql`DELETE FROM opendata_datasets WHERE id = ${added[1]!.id}`.execute(t.db);
  assert.equal(await total(), await counted());
  const filtered = (await t.app.inject({ method: 'GET', url: `/api/3/action/package_search?rows=0&fq=organization:${organisation.code.toLowerCase()}` })).json().result.count;
  assert.equal(filtered, 2);
});

describe('kept search matches', () => {
  const options = (offset: number, limit: number): SearchOptions => ({ q: 'rainfall', filters: {}, sort: [{ key: 'score', direction: 'desc' }, { key: 'metadata_modified', direction: 'desc' }], limit, offset });
  const facets = { fields: ['tags' as const], limit: 5 };

  test('a later page of the same search reads only its rows, and answers as the database does', async () => {
    const { db, counter } = countingStatements(t.db);
    const fresh = countingStatements(t.db).db;
    disableSearchCache(fresh);
    // Its matches are kept from its second call (second-call.ts).
    await searchCatalogue(db, options(0, 10), facets);
    assert.equal((await searchCatalogue(db, options(0, 10), facets)).kept, true);
    for (const [offset, limit] of [[10, 10], [0, 1000], [60, 7], [5000, 10]] as const) {
      const before = counter.statements;
      const { kept, ...page } = await searchCatalogue(db, options(offset, limit), facets, true);
      assert.equal(counter.statements - before, 1);
      assert.equal(kept, true);
      const { kept: notKept, ...read } = await searchCatalogue(fresh, options(offset, limit), facets, true);
      assert.equal(notKept, false);
      assert.deepEqual(page, read, `${offset}+${limit}`);
    }
  });

  test('a change committed elsewhere (no word to this process) is seen by the next call', async () => {
    const everyTag = { fields: ['tags' as const], limit: 1000 };
    const before = await searchCatalogue(t.db, options(0, 10), everyTag);
    const wordsBefore = await searchCatalogue(t.db, options(0, 10));
    await sql`UPDATE opendata_datasets SET search_text = search_text || ' rainfall' WHERE name = 'synthetic-000002'`.execute(t.db);
    const after = await searchCatalogue(t.db, options(0, 10), everyTag);
    assert.equal(after.count, before.count + 1);
    assert.equal((await searchCatalogue(t.db, options(0, 10))).count, wordsBefore.count + 1, 'words alone (the narrow words table) too');
    assert.equal(before.facets.tags.find((f) => f.value === 'school'), undefined);
    assert.equal(after.facets.tags.find((f) => f.value === 'school')?.count, 1);
  });
});

describe('words alone in CKAN\'s default order (opendata_search_words, its plan kept)', () => {
  const byDefault: SearchOptions['sort'] = [{ key: 'score', direction: 'desc' }, { key: 'metadata_modified', direction: 'desc' }];
  const options = (q: string, offset: number): SearchOptions => ({ q, filters: {}, sort: byDefault, limit: 10, offset });
  // Asking for a facet takes the general statement: the same matches, counted, ranked and paged by another route.
  const general = { fields: ['tags' as const], limit: 5 };

  test('finds, counts, ranks and pages as the general statement does, with and without resources and kept matches', async () => {
    const kept = countingStatements(t.db).db;
    const uncached = countingStatements(t.db).db;
    disableSearchCache(uncached);
    const statement = countingStatements(t.db).db;
    disableSearchCache(statement);
    for (const q of ['rainfall', '雨量', 'sha tin', '12', 'synthetic', 'nosuchword']) {
      for (const offset of [0, 10, 1090, 5000]) {
        const expected = await searchCatalogue(statement, options(q, offset), general, true);
        const same = (found: { count: number; rows: unknown[]; resources: unknown }, label: string, withResources = true) => {
          assert.equal(found.count, expected.count, `${q} ${offset} ${label}`);
          assert.deepEqual(found.rows, expected.rows, `${q} ${offset} ${label}`);
          assert.deepEqual(found.resources, withResources ? expected.resources : new Map(), `${q} ${offset} ${label}`);
        };
        same(await searchCatalogue(kept, options(q, offset), undefined, true), 'kept');
        same(await searchCatalogue(uncached, options(q, offset), undefined, true), 'uncached');
        same(await searchCatalogue(uncached, options(q, offset)), 'without resources', false);
      }
    }
  });

  test('keeps one plan for every query (a generic plan), not one made at each call', async () => {
    const settings = await sql<{ config: string[] }>`SELECT proconfig AS config FROM pg_proc WHERE proname = 'opendata_search_words'`.execute(t.db);
    assert.deepEqual(settings.rows.map((r) => r.config), [['plan_cache_mode=force_generic_plan']]);
  });
});

describe('bounded search', () => {
  test('a query of 20,000 words is searched on its first words, not sent whole to PostgreSQL\'s tsquery parser', async () => {
    const q = Array.from({ length: 20_000 }, (_, i) => `w${i}`).join(' ');
    const found = await searchCatalogue(t.db, { q, filters: {}, sort: [{ key: 'score', direction: 'desc' }], limit: 10, offset: 0 });
    assert.equal(found.count, 0);
  });

  test('many distinct long queries keep the kept matches within their byte budget and entry cap', () => {
    const cache = new SearchCache<null>(4 * 1024 * 1024, 100);
    const ids = Array.from({ length: 10 }, (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`);
    for (let i = 0; i < 200; i++) cache.set(`["${i} ${'q'.repeat(79_000)}"]`, { version: 1, count: 10, ids, facets: null });
    assert.ok(cache.bytes <= cache.maxBytes, `${cache.bytes} bytes kept`);
    assert.ok(cache.bytes >= cache.size * 158_000, 'each long key is counted');
    assert.ok(cache.size >= 20 && cache.size <= 26, `${cache.size} entries`);
    for (let i = 0; i < 300; i++) cache.set(`short ${i}`, { version: 1, count: 10, ids, facets: null });
    assert.equal(cache.size, 100);
    assert.ok(cache.get('short 299', 10), 'the newest are kept');
    assert.equal(cache.get('short 0', 10), undefined, 'the least recently used went first');
    cache.delete('short 299');
    assert.equal(cache.size, 99);
  });
});
