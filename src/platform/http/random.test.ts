import assert from 'node:assert/strict';
import test from 'node:test';
import { freshHex } from './random.ts';

test('fresh random hex: the asked length, never the same twice, across pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const hex = freshHex(16);
    assert.match(hex, /^[0-9a-f]{32}$/);
    seen.add(hex);
  }
  assert.equal(seen.size, 1000);
  assert.throws(() => freshHex(1 << 20), RangeError);
});
