import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedFreshRead } from './shared-fresh-read.ts';

test('a shared read never answers a caller from a read sent before it asked', async () => {
  const sent: ((value: number) => void)[] = [];
  const read = sharedFreshRead(() => new Promise<number>((resolve) => sent.push(resolve)));
  const first = read();
  const second = read();
  const third = read();
  assert.equal(sent.length, 1, 'callers during a read wait for the next one');
  sent[0]!(1);
  assert.equal(await first, 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sent.length, 2, 'then one read for all who waited');
  const fourth = read();
  sent[1]!(2);
  assert.deepEqual(await Promise.all([second, third]), [2, 2]);
  await new Promise((resolve) => setImmediate(resolve));
  sent[2]!(3);
  assert.equal(await fourth, 3);
  assert.equal(sent.length, 3);
});
