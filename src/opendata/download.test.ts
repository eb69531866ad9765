import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRange } from './download.ts';

test('byte ranges as download tools send them', () => {
  assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=900-', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=990-5000', 1000), { start: 990, end: 999 });
  assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,5-9', 1000), undefined, 'several ranges: the whole file is sent');
  assert.equal(parseRange('items=0-1', 1000), undefined);
  assert.equal(parseRange(undefined, 1000), undefined);
});

test('a satisfiable range always lies inside the file', () => {
  fc.assert(fc.property(fc.nat(10_000), fc.nat(10_000), fc.integer({ min: 1, max: 10_000 }), (a, b, size) => {
    const range = parseRange(`bytes=${a}-${b}`, size);
    if (range === undefined || range === 'unsatisfiable') return true;
    return range.start >= 0 && range.start <= range.end && range.end < size;
  }));
});
