import { toSimplified } from '../platform/i18n/index.ts';
import { cutWords } from '../platform/search/index.ts';

// Chinese has no spaces between words: segment it with jieba (search mode, which also yields the shorter words
// inside long ones) and fold Traditional to Simplified, so that one index serves both scripts.
const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text, lowercased, Chinese segmented and in Simplified script. */
export function searchWords(text: string): string[] {
  const words: string[] = [];
  for (const piece of text.toLowerCase().match(WORD) ?? []) {
    if (!HAN.test(piece)) {
      words.push(piece);
      continue;
    }
    for (const word of cutWords(toSimplified(piece), true)) {
      const clean = word.trim();
      if (clean && WORD.test(clean)) words.push(clean);
      WORD.lastIndex = 0;
    }
  }
  return words;
}

export const searchDocument = (texts: string[]) => [...new Set(texts.flatMap(searchWords))].join(' ');

/** The longest search query accepted from a caller, in characters (the API answers 400 past it). */
export const MAX_QUERY_LENGTH = 1_000;
/**
 * The most distinct words a search query may have. PostgreSQL parses a tsquery recursively: thousands of terms
 * exceed its stack depth (54001) and the search fails; no real search needs more than a few dozen words.
 */
export const MAX_QUERY_TERMS = 64;

/** The distinct searchable words of a query. */
export const queryWords = (q: string) => [...new Set(searchWords(q))];

/**
 * A PostgreSQL tsquery (`simple` configuration) matching every word of the query, each as a prefix. Callers reject
 * queries of more than MAX_QUERY_TERMS words; past it, only the first ones are used, so the statement cannot fail.
 */
export function searchQuery(q: string): string | undefined {
  const words = queryWords(q.slice(0, MAX_QUERY_LENGTH * 4)).slice(0, MAX_QUERY_TERMS);
  if (words.length === 0) return undefined;
  return words.map((w) => `'${w.replace(/'/g, "''")}':*`).join(' & ');
}
