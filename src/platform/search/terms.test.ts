import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentTerms, queryTerms } from './terms.ts';

const matches = (document: string[], query: string) => queryTerms(query).every((t) => document.includes(t));

test('a query in either Chinese script, or in English, finds the document', () => {
  const doc = documentTerms('Driving licence renewal', '駕駛執照續期', '驾驶执照续期');
  for (const q of ['駕駛執照', '驾驶执照', '執照', '续期', 'licences', 'Driving Licence', '驾驶 renewal']) assert.ok(matches(doc, q), q);
  for (const q of ['passport', '護照', 'driving passport']) assert.ok(!matches(doc, q), q);
});

test('punctuation and empty queries give no terms', () => {
  assert.deepEqual(queryTerms('  ，。!? '), []);
  assert.ok(queryTerms('x'.repeat(5000)).length <= 20);
});
