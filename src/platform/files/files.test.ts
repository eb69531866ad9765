import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { createHash } from 'node:crypto';
import { FileTooLargeError, LocalDiskFileStore } from './index.ts';

test('a file goes in whole, comes back whole or by range, and is deleted', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'files-'));
  try {
    const store = new LocalDiskFileStore(root);
    const stored = await store.put(Readable.from([Buffer.from('hello, '), Buffer.from('world')]));
    assert.equal(stored.size, 12);
    assert.equal(stored.sha256, createHash('sha256').update('hello, world').digest('hex'));
    assert.equal(await text(await store.get(stored.key)), 'hello, world');
    assert.equal(await text(await store.get(stored.key, { start: 7, end: 11 })), 'world');
    assert.equal((await store.stat(stored.key))?.size, 12);
    await store.delete(stored.key);
    assert.equal(await store.stat(stored.key), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a file over the limit is refused and leaves nothing behind', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'files-'));
  try {
    const store = new LocalDiskFileStore(root);
    await assert.rejects(store.put(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), { maxBytes: 15 }), FileTooLargeError);
    assert.deepEqual(await readdir(path.join(root, 'tmp')), []);
    await assert.rejects(store.get('../../etc/passwd'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
