import { toSimplified } from '../i18n/index.ts';
import { cutWords } from './segmenter.ts';

// Search terms for text in English, Traditional and Simplified Chinese. Everything is folded to lower-case
// Simplified Chinese first (jieba's dictionary is Simplified), so a query in either script finds the other.
const HAN = /\p{Script=Han}/u;
const WORD = /^[\p{L}\p{N}][\p{L}\p{N}'-]*$/u;

/** A light English stem: enough that "licences" finds "licence" and "renewals" finds "renewal". */
const stem = (word: string) => (word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word);

function words(text: string, forSearch: boolean): string[] {
  const folded = toSimplified(text.normalize('NFKC').toLowerCase());
  const tokens = cutWords(folded, forSearch);
  return tokens.map((t) => t.trim()).filter((t) => t.length > 0 && WORD.test(t)).map(stem);
}

/** Terms to index a document by: words and sub-words, and each Han character (so any part of a Chinese word matches). */
export function documentTerms(...texts: (string | null | undefined)[]): string[] {
  const terms = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const word of words(text, true)) {
      terms.add(word);
      if (HAN.test(word)) for (const ch of word) if (HAN.test(ch)) terms.add(ch);
    }
  }
  return [...terms];
}

/**
 * Terms a query must all match. A Chinese word the segmenter did not split the same way in the document
 * still matches through its characters: multi-character Han words are replaced by their characters.
 */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const word of words(query, false)) {
    if (HAN.test(word) && word.length > 1) for (const ch of word) terms.add(ch);
    else terms.add(word);
  }
  return [...terms].slice(0, 20);
}
