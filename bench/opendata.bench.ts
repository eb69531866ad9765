import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fork } from 'node:child_process';
import Fastify from 'fastify';
import { systemContext } from '../src/platform/context.ts';
import { localFileStore } from '../src/platform/files/index.ts';
import { seedOpenData, seedSyntheticDatasets } from '../src/opendata/index.ts';
import { load, type Benchmark, type BenchResult } from './harness.ts';
import type { ClientAnswer, ClientRequest } from './opendata-clients.ts';

// Open data: CKAN package_show and package_search with the paper's 5,500 datasets and ten times as many, beside a
// bare Fastify route; downloads of a 100 MB file beside the same file served by a bare Fastify route from disk.
const opendata: Benchmark = async ({ url, db, config, seconds }) => {
  const ctx = systemContext('bench');
  await seedOpenData(db, ctx, localFileStore(config.DATA_DIR));
  const bare = Fastify();
  bare.get('/ping', async () => ({ status: 'ok' }));
  const bigFile = path.join(config.DATA_DIR, 'bench-100mb.bin');
  await writeFile(bigFile, Buffer.alloc(100 * 1024 * 1024, 'a'));
  bare.get('/file', async (_request, reply) => reply.header('content-type', 'application/octet-stream').send(createReadStream(bigFile)));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  const rows: BenchResult[] = [];
  try {
    const baseline = await load(`${bareUrl}/ping`, { seconds });
    // With OPENDATA_CACHE on, a distinct call of a search seen before reads only its page (kept ranked matches, checked
    // against the catalogue version); `OPENDATA_CACHE=false npm run bench opendata` measures the database alone.
    const distinctSource = config.OPENDATA_CACHE ? 'no answer cache; kept search matches' : 'database only';
    for (const size of [5_500, 55_000]) {
      await seedSyntheticDatasets(db, ctx, size);
      const group = `open data CKAN API (${size.toLocaleString('en')} datasets${config.OPENDATA_CACHE ? '' : ', OPENDATA_CACHE=false'})`;
      rows.push({ group, name: 'baseline: bare Fastify route', ...baseline, ratio: 1 });
      const reference = await load(`${url}/api/v1/organisations`, { seconds });
      rows.push({ group, name: 'reference: GET /api/v1/organisations (one query, all platform hooks)', ...reference, ratio: reference.rate / baseline.rate });
      for (const [name, query] of [
        ['package_show (target ≥ 0.4× baseline)', 'package_show?id=sample-car-park-vacancy'],
        ['package_search, English word, 10 rows (target p99 ≤ 20 ms)', 'package_search?q=rainfall'],
        ['package_search, Simplified Chinese, 10 rows (target p99 ≤ 20 ms)', `package_search?q=${encodeURIComponent('雨量')}`],
        ['package_search, fq organization + res_format, facets', `package_search?fq=organization:td%20res_format:CSV&facet.field=${encodeURIComponent('["groups","tags"]')}`],
        ['package_search, no query, page 50', 'package_search?start=500'],
      ] as const) {
        const measured = await load(`${url}/api/3/action/${query}`, { seconds });
        rows.push({ group, name: `${name}, repeated (${config.OPENDATA_CACHE ? 'answer cache' : 'database only'})`, ...measured, ratio: measured.rate / baseline.rate });
        const uncached = await distinct(`${url}/api/3/action/${query}`, seconds);
        rows.push({ group, name: `${name}, every call distinct (${distinctSource})`, ...uncached, ratio: uncached.rate / baseline.rate });
      }
    }
    rows.push(...(await downloads(url, bareUrl, bigFile, db, config.DATA_DIR, seconds)));
  } finally {
    await bare.close();
  }
  return rows;
};
export default opendata;

/** Runs one client job in a child process (its own event loop), as harness.ts `load` does. */
function client(request: ClientRequest): Promise<ClientAnswer> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(import.meta.dirname, 'opendata-clients.ts'), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
    let answer: ClientAnswer | undefined;
    child.once('message', (message) => { answer = message as ClientAnswer; });
    child.once('error', reject);
    child.once('exit', (code) => (answer ? resolve(answer) : reject(new Error(`${request.kind} client for ${request.url} exited with ${code} and no result`))));
    child.send(request);
  });
}

/** Load where every request differs (an ignored parameter), so none is answered from the answer cache. */
async function distinct(target: string, seconds: number) {
  const result = await client({ kind: 'distinct', url: target, connections: 50, seconds });
  if (result.failures > 0) throw new Error(`${target}: ${result.failures} failed answers under load`);
  return { rate: result.rate, p99Ms: result.p99Ms };
}

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
    { group, name: 'baseline: bare Fastify route streaming the file from disk', rate: baseline, unit: 'MB/s', ratio: 1, note: 'MB = 10⁶ bytes' },
    { group, name: 'GET /opendata/download/{id}/{file} (target ≥ 1 GB/s)', rate: ours, unit: 'MB/s', ratio: ours / baseline },
  ];
}
