import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { createHash } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startTestS3, type TestS3 } from '../../../test/support/s3.ts';
import { loadConfig } from '../config.ts';
import { FileNotFoundError, FileTooLargeError, fileStoreFor, LocalDiskFileStore, S3FileStore, type FileStore } from './index.ts';

// One contract, every adapter: what a module may rely on whichever store the deployment configures.

interface Adapter {
  store: FileStore;
  /** How many things the store holds: finished files and half-written ones. */
  held(): Promise<number>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const countFiles = async (dir: string) => (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((f) => f.isFile()).length;
const MiB = 1024 * 1024;
/** 12 MiB in 64 KiB chunks, each chunk different, so that a misplaced part changes the hash. */
const bigChunks = () => Array.from({ length: 192 }, (_, i) => Buffer.alloc(64 * 1024, i));

function contract(name: string, adapter: () => Adapter) {
  describe(`${name} file store`, () => {
    test('a file goes in whole, comes back whole or by range, and is deleted', async () => {
      const { store } = adapter();
      const stored = await store.put(Readable.from([Buffer.from('hello, '), Buffer.from('world')]));
      assert.equal(stored.size, 12);
      assert.equal(stored.sha256, sha256('hello, world'));
      assert.equal(await text(await store.get(stored.key)), 'hello, world');
      assert.equal(await text(await store.get(stored.key, { start: 7, end: 11 })), 'world');
      assert.equal((await store.stat(stored.key))?.size, 12);
      assert.ok((await store.stat(stored.key))!.modifiedAt instanceof Date);
      await store.delete(stored.key);
      assert.equal(await store.stat(stored.key), undefined);
      await assert.rejects(store.get(stored.key), FileNotFoundError, 'a deleted file is not found, before any byte is streamed');
      await assert.rejects(store.get(stored.key, { start: 0, end: 3 }), FileNotFoundError);
    });

    test('a file over the limit is refused and leaves nothing behind', async () => {
      const { store, held } = adapter();
      const before = await held();
      await assert.rejects(store.put(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), { maxBytes: 15 }), FileTooLargeError);
      assert.equal(await held(), before);
      await assert.rejects(store.get('../../etc/passwd'));
    });

    test('a large file streams through in parts: whole, hashed, readable across part boundaries', async () => {
      const { store, held } = adapter();
      const content = Buffer.concat(bigChunks());
      const stored = await store.put(Readable.from(bigChunks()), { maxBytes: 20 * MiB });
      assert.equal(stored.size, content.length);
      assert.equal(stored.sha256, sha256(content));
      const across = { start: 5 * MiB - 10, end: 5 * MiB + 9 };
      assert.deepEqual(await buffer(await store.get(stored.key, across)), content.subarray(across.start, across.end + 1));
      assert.equal(sha256(await buffer(await store.get(stored.key))), stored.sha256);
      await store.delete(stored.key);
      const before = await held();
      await assert.rejects(store.put(Readable.from(bigChunks()), { maxBytes: 11 * MiB }), FileTooLargeError);
      assert.equal(await held(), before, 'nothing kept of a refused upload');
    });
  });
}

let localRoot: string;
before(async () => { localRoot = await mkdtemp(path.join(os.tmpdir(), 'files-')); });
after(async () => { await rm(localRoot, { recursive: true, force: true }); });
contract('local disk', () => ({ store: new LocalDiskFileStore(localRoot), held: () => countFiles(localRoot) }));

// A real S3-compatible server on 127.0.0.1. What it holds is what a client can list: s3rver does not implement
// AbortMultipartUpload (the adapter calls it, and real S3 and MinIO honour it), so its leftover parts are not counted.
let s3: TestS3;
before(async () => { s3 = await startTestS3(); });
after(async () => { await s3.close(); });
const s3Options = () => ({ endpoint: s3.endpoint, bucket: s3.bucket, region: 'us-east-1', forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
contract('S3-compatible', () => ({
  // 5 MiB parts (S3's minimum), so that 12 MiB takes three.
  store: new S3FileStore({ ...s3Options(), partSize: 5 * MiB }),
  held: async () => {
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    return (await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).KeyCount ?? 0;
  },
}));

test('the configuration picks the store: local disk by default, S3 with FILE_STORE=s3 (which needs a bucket)', () => {
  assert.ok(fileStoreFor(loadConfig({ DATA_DIR: localRoot })) instanceof LocalDiskFileStore);
  assert.ok(fileStoreFor(loadConfig({ FILE_STORE: 's3', S3_BUCKET: 'files', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_FORCE_PATH_STYLE: 'true' })) instanceof S3FileStore);
  assert.throws(() => loadConfig({ FILE_STORE: 's3' }), /S3_BUCKET/);
  assert.throws(() => loadConfig({ FILE_STORE: 'ftp' }), /FILE_STORE/);
});
