import { sql } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';
import { readTogether, type ReadTogetherLimits } from '../platform/db/read-together.ts';

// Searches by words alone in CKAN's default order that arrive together are read by one call of opendata_search_words
// (migration search_words_together), which runs them all in one kept plan. Per search on its own, PostgreSQL spent
// ~190 µs of CPU, of which ~100 µs went on the statement around it (parsing, binding, starting it, sending its rows);
// read together with a plan started for each search, ~100-110 µs a search never asked before; in one plan, 56-78 µs
// (55,000 datasets, under load). The driver's work per statement (a pool connection, the query, its row description)
// is shared as well.
//
// A search is never answered by a statement sent before it asked, so each sees every change committed before it
// arrived. The searches of one statement run one after another in one backend: a slow one (a word in every dataset,
// ~37 ms at 55,000) delays the others of its statement, as it would hold a core anyway on a small machine.

export interface WordSearch { tsquery: string; limit: number; offset: number; keep: number; withResources: boolean }
export type WordSearchRow = Record<string, unknown>;

/** Many searches' rows in one call of opendata_search_words (its plan kept), each search's rows in order at its place. */
async function searchTogether(db: Queryable, searches: WordSearch[]): Promise<WordSearchRow[][]> {
  const { rows } = await sql<WordSearchRow & { place: number }>`SELECT * FROM opendata_search_words(${searches.map((s) => s.tsquery)}::text[],
    ${searches.map((s) => s.limit)}::integer[], ${searches.map((s) => s.offset)}::integer[], ${searches.map((s) => s.keep)}::integer[],
    ${searches.map((s) => s.withResources)}::boolean[])`.execute(db);
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
