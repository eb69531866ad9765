import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recentRead } from './recent-read.ts';

test('a recent read is shared within its age and epoch, and read again past either', async () => {
  let clock = 1_000;
  let reads = 0;
  const read = recentRead(async () => ++reads, 100, () => clock);
  assert.equal(await read(1), 1);
  clock += 100;
  assert.equal(await read(1), 1, 'shared up to maxAgeMs after it was sent');
  clock += 1;
  assert.equal(await read(1), 2, 'read again past maxAgeMs');
  assert.equal(await read(2), 3, 'read again for another epoch');
  assert.equal(await read(2), 3);
  assert.equal(reads, 3);
});

test('callers during a read share it, and a failed read is not shared with later callers', async () => {
  const sent: { resolve: (value: number) => void; reject: (error: Error) => void }[] = [];
  const read = recentRead(() => new Promise<number>((resolve, reject) => sent.push({ resolve, reject })), 60_000);
  const first = read(1);
  const second = read(1);
  assert.equal(sent.length, 1);
  sent[0]!.reject(new Error('connection lost'));
  await assert.rejects(first, /connection lost/);
  await assert.rejects(second, /connection lost/);
  const third = read(1);
  assert.equal(sent.length, 2, 'a new read after the failure');
  sent[1]!.resolve(7);
  assert.equal(await third, 7);
  assert.equal(await read(1), 7);
  assert.equal(sent.length, 2);
});
