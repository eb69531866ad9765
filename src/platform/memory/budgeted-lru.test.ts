import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetedLru } from './budgeted-lru.ts';

// A value's cost is its length, so that the figures below are easy to follow.
const lru = (maxBytes: number, maxEntries: number) => new BudgetedLru<string>((_key, value) => value.length, maxBytes, maxEntries);
const keys = (cache: BudgetedLru<string>, ...candidates: string[]) => candidates.filter((k) => cache.peek(k) !== undefined);

test('past the byte budget the least recently used go first', () => {
  const cache = lru(100, 100);
  for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 'x'.repeat(12));
  assert.equal(cache.get('a'), 'x'.repeat(12), 'a is now the most recently used');
  for (let i = 0; i < 4; i++) cache.set(`e${i}`, 'x'.repeat(12));
  assert.equal(cache.bytes, 96);
  assert.equal(cache.set('f', 'x'.repeat(12)), true);
  assert.deepEqual(keys(cache, 'a', 'b', 'c', 'd', 'f'), ['a', 'c', 'd', 'f'], 'b went, not a');
  assert.equal(cache.bytes, 96);
  assert.equal(cache.size, 8);
});

test('past the entry cap the least recently used go first', () => {
  const cache = lru(1_000, 3);
  cache.set('a', 'x');
  cache.set('b', 'x');
  cache.set('c', 'x');
  cache.get('a');
  cache.set('d', 'x');
  assert.deepEqual(keys(cache, 'a', 'b', 'c', 'd'), ['a', 'c', 'd']);
  assert.equal(cache.size, 3);
  assert.equal(cache.bytes, 3);
});

test('peek leaves the order as it was', () => {
  const cache = lru(1_000, 2);
  cache.set('a', 'x');
  cache.set('b', 'x');
  assert.equal(cache.peek('a'), 'x');
  assert.equal(cache.peek('missing'), undefined);
  cache.set('c', 'x');
  assert.deepEqual(keys(cache, 'a', 'b', 'c'), ['b', 'c'], 'a was oldest still');
});

test('a value costing more than an eighth of the budget is refused, and the old value under its key goes', () => {
  const cache = lru(80, 10);
  assert.equal(cache.set('a', 'x'.repeat(10)), true);
  cache.set('b', 'x'.repeat(5));
  assert.equal(cache.set('a', 'x'.repeat(11)), false);
  assert.equal(cache.peek('a'), undefined);
  assert.equal(cache.peek('b'), 'xxxxx', 'nothing else was let go');
  assert.equal(cache.bytes, 5);
  assert.equal(cache.size, 1);
});

test('setting a held key again replaces its cost', () => {
  const cache = lru(1_000, 10);
  cache.set('a', 'x'.repeat(100));
  cache.set('a', 'x'.repeat(30));
  assert.equal(cache.bytes, 30);
  assert.equal(cache.size, 1);
  assert.equal(cache.get('a'), 'x'.repeat(30));
});

test('delete and clear give the bytes back', () => {
  const cache = lru(1_000, 10);
  cache.set('a', 'x'.repeat(40));
  cache.set('b', 'x'.repeat(50));
  assert.equal(cache.delete('a'), true);
  assert.equal(cache.delete('a'), false, 'deleting twice takes nothing more');
  assert.equal(cache.bytes, 50);
  assert.equal(cache.size, 1);
  cache.clear();
  assert.equal(cache.bytes, 0);
  assert.equal(cache.size, 0);
  assert.equal(cache.get('b'), undefined);
  cache.set('c', 'x');
  assert.equal(cache.bytes, 1, 'usable after clearing');
});

test('onRemove is told of every value that leaves: deleted, replaced, pushed out, refused in its place, cleared', () => {
  const gone: string[] = [];
  const cache = new BudgetedLru<string>((_key, value) => value.length, 100, 3, (key, value) => gone.push(`${key}=${value}`));
  cache.set('a', '1');
  cache.set('a', '2');
  cache.set('b', '3');
  cache.set('c', '4');
  cache.set('d', '5');
  cache.delete('b');
  cache.delete('b');
  cache.set('c', 'x'.repeat(50));
  cache.clear();
  assert.deepEqual(gone, ['a=1', 'a=2', 'b=3', 'c=4', 'd=5']);
});
