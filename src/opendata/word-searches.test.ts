import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { countingStatements } from '../../test/support/database.ts';
import { systemContext } from '../platform/context.ts';
import { seedOrganisations } from '../organisations/index.ts';
import { seedSyntheticDatasets } from './index.ts';
import { searchQuery } from './search-text.ts';
import { coalescedWordSearches, type WordSearch } from './word-searches.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await seedOrganisations(t.db, systemContext('test'));
  await seedSyntheticDatasets(t.db, systemContext('test'), 300);
});
after(async () => { await t.close(); });

const search = (q: string, offset = 0): WordSearch => ({ tsquery: searchQuery(q)!, limit: 10, offset, keep: 2000, withResources: true });
/** The search's rows from a call of its own (a batch of one), without its place. */
const alone = async (s: WordSearch) =>
  (await sql<{ place: number }>`SELECT * FROM opendata_search_words(${[s.tsquery]}::text[], ${[s.limit]}::integer[], ${[s.offset]}::integer[],
    ${[s.keep]}::integer[], ${[s.withResources]}::boolean[])`.execute(t.db)).rows.map(({ place: _place, ...row }) => row);

test('searches asked together are read by one statement, each answered with its own rows', async () => {
  const { db, counter } = countingStatements(t.db);
  const read = coalescedWordSearches(db);
  const searches = [search('rainfall'), search('sha tin', 10), search('12'), search('nosuchword'), search('雨量'), search('rainfall', 290),
    { ...search('rainfall', 10), keep: 0 }, { ...search('rainfall'), keep: 5 }, { ...search('sha tin'), withResources: false }, { ...search('water'), limit: 0 }];
  const answers = await Promise.all(searches.map(read));
  assert.equal(counter.statements, 1);
  for (const [i, s] of searches.entries()) assert.deepEqual(answers[i], await alone(s), s.tsquery);
  assert.equal(answers[3]!.length, 1, 'no match: one row of counts, no dataset');
  assert.equal(answers[3]![0]!.id, null);
});

test('a search that cannot be read fails alone; the others of its statement are answered', async () => {
  const { db, counter } = countingStatements(t.db);
  const read = coalescedWordSearches(db);
  const broken: WordSearch = { ...search('rainfall'), tsquery: "'rainfall' & (" };
  const [good, bad, other] = await Promise.allSettled([read(search('rainfall')), read(broken), read(search('sha tin'))]);
  assert.equal(bad.status, 'rejected');
  assert.match(String((bad as PromiseRejectedResult).reason), /tsquery/);
  assert.deepEqual(good.status === 'fulfilled' && good.value, await alone(search('rainfall')));
  assert.deepEqual(other.status === 'fulfilled' && other.value, await alone(search('sha tin')));
  assert.equal(counter.statements, 4, 'the failed statement, then each search alone');
});

test('at most `inFlight` statements of at most `batch` searches; a search sees what was committed before it asked', async () => {
  const { db, counter } = countingStatements(t.db);
  const read = coalescedWordSearches(db, { batch: 2, inFlight: 1 });
  const first = read(search('rainfall'));
  const rest = [1, 2, 3, 4].map(() => read(search('rainfall')));
  await Promise.all([first, ...rest]);
  assert.equal(counter.statements, 3);
  assert.equal(counter.most, 1);
  const before = (await read(search('rainfall')))[0]!.total as number;
  await sql`UPDATE opendata_datasets SET search_text = search_text || ' rainfall' WHERE name = 'synthetic-000002'`.execute(t.db);
  assert.equal((await read(search('rainfall')))[0]!.total, before + 1);
});
