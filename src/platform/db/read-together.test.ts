import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTogether } from './read-together.ts';

/** A read that answers each request doubled after a turn, records its batches, and fails on a negative request. */
function doubling() {
  const batches: number[][] = [];
  let underWay = 0;
  let most = 0;
  const read = async (requests: number[]) => {
    batches.push(requests);
    most = Math.max(most, ++underWay);
    await new Promise((resolve) => setTimeout(resolve, 5));
    underWay--;
    if (requests.some((r) => r < 0)) throw new Error(`cannot read ${requests.join(',')}`);
    return requests.map((r) => r * 2);
  };
  return { read, batches, most: () => most };
}

test('requests of one turn share a read, each gets its own answer, within the batch and in-flight limits', async () => {
  const { read, batches, most } = doubling();
  const ask = readTogether(read, { batch: 3, inFlight: 2 });
  assert.deepEqual(await Promise.all([1, 2, 3, 4, 5, 6, 7].map(ask)), [2, 4, 6, 8, 10, 12, 14]);
  assert.deepEqual(batches, [[1, 2, 3], [4, 5, 6], [7]]);
  assert.equal(most(), 2);
});

test('a request is never answered by a read sent before it asked', async () => {
  const { read, batches } = doubling();
  const ask = readTogether(read, { batch: 10, inFlight: 1 });
  const first = ask(1);
  await new Promise((resolve) => setImmediate(resolve));
  const second = ask(2);
  assert.deepEqual([await first, await second], [2, 4]);
  assert.deepEqual(batches, [[1], [2]]);
});

test('a failed read fails each of its requests, and no others; with retryAlone only the request that cannot be read fails', async () => {
  const together = readTogether(doubling().read, { batch: 10, inFlight: 1 });
  const failing = await Promise.allSettled([together(1), together(-1), together(3)]);
  assert.deepEqual(failing.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
  assert.equal(await together(4), 8, 'the next read is answered');
  const alone = doubling();
  const retrying = readTogether(alone.read, { batch: 10, inFlight: 1, retryAlone: true });
  const settled = await Promise.allSettled([retrying(1), retrying(-1), retrying(3)]);
  assert.deepEqual(settled.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')), [2, 'failed', 6]);
  assert.deepEqual(alone.batches, [[1, -1, 3], [1], [-1], [3]]);
});
