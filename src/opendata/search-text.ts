import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { toSimplified } from '../platform/i18n/index.ts';

// Chinese has no spaces between words: segment it with jieba (search mode, which also yields the shorter words
// inside long ones) and fold Traditional to Simplified, so that one index serves both scripts.
const jieba = Jieba.withDict(dict);
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
    for (const word of jieba.cutForSearch(toSimplified(piece), true)) {
      const clean = word.trim();
      if (clean && WORD.test(clean)) words.push(clean);
      WORD.lastIndex = 0;
    }
  }
  return words;
}

export const searchDocument = (texts: string[]) => [...new Set(texts.flatMap(searchWords))].join(' ');

/** A PostgreSQL tsquery (`simple` configuration) matching every word of the query, each as a prefix. */
export function searchQuery(q: string): string | undefined {
  const words = [...new Set(searchWords(q))];
  if (words.length === 0) return undefined;
  return words.map((w) => `'${w.replace(/'/g, "''")}':*`).join(' & ');
}
