import { sql } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';
import { readTogether, type ReadTogetherLimits } from '../platform/db/read-together.ts';

// Searches by words alone in CKAN's default order (opendata_search_words) that arrive together are read by one
// statement. Per search on its own, PostgreSQL spent ~190 µs of CPU, of which ~100 µs went on the statement around the
// function (parsing, binding, starting it, sending its rows); ten read together cost ~86 µs each. The driver's work
// per statement (a pool connection, the query, its row description) is shared as well.
//
// A search is never answered by a statement sent before it asked, so each sees every change committed before it
// arrived. The searches of one statement run one after another in one backend: a slow one (a word in every dataset,
// ~37 ms at 55,000) delays the others of its statement, as it would hold a core anyway on a small machine.

export interface WordSearch { tsquery: string; limit: number; offset: number; keep: number; withResources: boolean }
export type WordSearchRow = Record<string, unknown>;

/** One search's rows (opendata_search_words) in a statement of its own. */
async function searchAlone(db: Queryable, s: WordSearch): Promise<WordSearchRow[]> {
  return (await sql<WordSearchRow>`SELECT * FROM opendata_search_words(${s.tsquery}, ${s.limit}, ${s.offset}, ${s.keep}, ${s.withResources})`.execute(db)).rows;
}

/** Many searches' rows in one statement, each search's rows in order at its place. */
async function searchTogether(db: Queryable, searches: WordSearch[]): Promise<WordSearchRow[][]> {
  if (searches.length === 1) return [await searchAlone(db, searches[0]!)];
  const { rows } = await sql<WordSearchRow & { place: number }>`SELECT b.place::integer AS place, s.*
    FROM unnest(${searches.map((s) => s.tsquery)}::text[], ${searches.map((s) => s.limit)}::integer[], ${searches.map((s) => s.offset)}::integer[],
      ${searches.map((s) => s.keep)}::integer[], ${searches.map((s) => s.withResources)}::boolean[]) WITH ORDINALITY AS b(query, lim, off, keep, resources, place)
    CROSS JOIN LATERAL opendata_search_words(b.query, b.lim, b.off, b.keep, b.resources) s
    ORDER BY b.place, s.n`.execute(db);
  const answers: WordSearchRow[][] = searches.map(() => []);
  for (const { place, ...row } of rows) answers[place - 1]!.push(row);
  return answers;
}

/** Word searches read together (read-together.ts): up to `batch` a statement; one that cannot be read fails alone. */
export function coalescedWordSearches(db: Queryable, limits: ReadTogetherLimits = { batch: 16, inFlight: 4 }) {
  return readTogether((searches: WordSearch[]) => searchTogether(db, searches), { ...limits, retryAlone: true });
}

const readers = new WeakMap<Queryable, (search: WordSearch) => Promise<WordSearchRow[]>>();

/** The word searches of `db`, read together. */
export function wordSearchesFor(db: Queryable): (search: WordSearch) => Promise<WordSearchRow[]> {
  let reader = readers.get(db);
  if (!reader) readers.set(db, (reader = coalescedWordSearches(db)));
  return reader;
}
