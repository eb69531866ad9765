import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { systemContext } from '../src/platform/context.ts';
import { localFileStore } from '../src/platform/files/index.ts';
import { seedOpenData } from '../src/opendata/index.ts';
import type { Benchmark, BenchResult } from './harness.ts';
import { client } from './opendata.bench.ts';

// Open data downloads: a 100 MB file through the download route beside the same file served by a bare Fastify route
// with fs.createReadStream in the same process. The baseline is not a ceiling: its new buffer per chunk makes V8 run
// full GCs of the application's heap (3.5-7 CPU s per GB); the store's stream reuses its buffers (about 0.3 s per GB,
// the kernel's two copies). On this 2-core machine a C server with sendfile gave curl 1.3-2.0 GB/s under the same load.
const opendataDownloads: Benchmark = async ({ url, db, config, seconds }) => {
  await seedOpenData(db, systemContext('bench'), localFileStore(config.DATA_DIR));
  const bare = Fastify();
  const bigFile = path.join(config.DATA_DIR, 'bench-100mb.bin');
  await writeFile(bigFile, Buffer.alloc(100 * 1024 * 1024, 'a'));
  bare.get('/file', async (_request, reply) => reply.header('content-type', 'application/octet-stream').send(createReadStream(bigFile)));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  try {
    return await downloads(url, bareUrl, bigFile, db, config.DATA_DIR, seconds);
  } finally {
    await bare.close();
  }
};
export default opendataDownloads;

async function downloads(url: string, bareUrl: string, bigFile: string, db: Parameters<Benchmark>[0]['db'], dataDir: string, seconds: number): Promise<BenchResult[]> {
  const stored = await localFileStore(dataDir).put(createReadStream(bigFile) as Readable);
  const dataset = await db.selectFrom('opendata_datasets').select('id').where('name', '=', 'sample-public-markets').executeTakeFirstOrThrow();
  const resource = await db.insertInto('opendata_resources').values({
    dataset_id: dataset.id, position: 99, name_en: 'Large file (benchmark)', name_zh_hk: '大型檔案', name_zh_cn: '大型档案', format: 'PDF',
    file_key: stored.key, file_name: 'large.pdf', size: stored.size, sha256: stored.sha256, media_type: 'application/pdf',
  }).returning('id').executeTakeFirstOrThrow();
  // Whole downloads by 4 concurrent connections from a client process, bytes over the time taken.
  const measure = async (target: string) => (await client({ kind: 'download', url: target, connections: 4, seconds })).rate;
  const group = 'open data downloads (100 MB file, 4 connections)';
  const baseline = await measure(`${bareUrl}/file`);
  const ours = await measure(`${url}/opendata/download/${resource.id}/large.pdf`);
  return [
    { group, name: 'baseline: bare Fastify route, fs.createReadStream, in the same process', rate: baseline, unit: 'MB/s', ratio: 1, note: 'MB = 10⁶ bytes' },
    { group, name: 'GET /opendata/download/{id}/{file} (target ≥ 1 GB/s)', rate: ours, unit: 'MB/s', ratio: ours / baseline },
  ];
}
