export { documentTerms, queryTerms } from './terms.ts';
