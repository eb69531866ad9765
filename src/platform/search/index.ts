export { documentTerms, queryTerms } from './terms.ts';
export { cutWords } from './segmenter.ts';
