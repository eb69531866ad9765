import path from 'node:path';
import { fork } from 'node:child_process';
import Fastify from 'fastify';
import { systemContext } from '../src/platform/context.ts';
import { localFileStore } from '../src/platform/files/index.ts';
import { seedOpenData, seedSyntheticDatasets } from '../src/opendata/index.ts';
import { interleavedRuns, load, runs, type Benchmark, type BenchResult } from './harness.ts';
import type { ClientAnswer, ClientRequest } from './opendata-clients.ts';

// Open data: CKAN package_show and package_search with the paper's 5,500 datasets and ten times as many, beside a
// bare Fastify route. Downloads are in opendata-downloads.bench.ts.
const ROUNDS = Number(process.env.BENCH_OPENDATA_ROUNDS ?? 2);
const opendata: Benchmark = async ({ url, db, config, seconds }) => {
  const ctx = systemContext('bench');
  await seedOpenData(db, ctx, localFileStore(config.DATA_DIR));
  const bare = Fastify();
  bare.get('/ping', async () => ({ status: 'ok' }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  const rows: BenchResult[] = [];
  try {
    // With OPENDATA_CACHE on, a distinct call of a search seen before reads only its page (kept ranked matches, checked
    // against the catalogue version); `OPENDATA_CACHE=false npm run bench opendata` measures the database alone.
    const distinctSource = config.OPENDATA_CACHE ? 'no answer cache; kept search matches' : 'database only';
    const repeatedSource = config.OPENDATA_CACHE ? 'answer cache' : 'database only';
    for (const size of [5_500, 55_000]) {
      await seedSyntheticDatasets(db, ctx, size);
      const group = `open data CKAN API (${size.toLocaleString('en')} datasets${config.OPENDATA_CACHE ? '' : ', OPENDATA_CACHE=false'})`;
      // The baselines are measured for each catalogue size, after its seeding and interleaved with package_show (the
      // ratio target), so that all see the same machine. Calls that each differ (an ignored parameter) cost the load
      // generator more than one call repeated: autocannon builds each such request anew. Their ratios are to the
      // bare route asked through that same client; the note gives the ratio to the plain baseline as well.
      const show = `${url}/api/3/action/package_show?id=sample-car-park-vacancy`;
      const measured = await interleavedRuns({
        baseline: () => load(`${bareUrl}/ping`, { seconds }),
        distinctBaseline: () => distinct(`${bareUrl}/ping?from=bench`, seconds),
        show: () => load(show, { seconds }),
        showDistinct: () => distinct(show, seconds),
      }, ROUNDS);
      const { baseline, distinctBaseline } = measured;
      const plainRatio = (m: { rate: number }) => `${(m.rate / baseline.rate).toFixed(2)}× the plain baseline`;
      const distinctRow = (name: string, m: { rate: number; p99Ms?: number | undefined }, note?: string): BenchResult => ({
        group, name: `${name}, every call distinct (${distinctSource})`, rate: m.rate, p99Ms: m.p99Ms, ratio: m.rate / distinctBaseline.rate,
        note: note ? `${note}; ${plainRatio(m)}` : plainRatio(m),
      });
      rows.push(
        { group, name: 'baseline: bare Fastify route', ...baseline, ratio: 1, note: runs(baseline) },
        { group, name: 'baseline for calls that each differ: the bare route, every call with another ignored parameter', ...distinctBaseline, ratio: 1, note: runs(distinctBaseline) },
      );
      const reference = await load(`${url}/api/v1/organisations`, { seconds });
      rows.push({ group, name: 'reference: GET /api/v1/organisations (one query, all platform hooks)', ...reference, ratio: reference.rate / baseline.rate });
      const showName = 'package_show (target ≥ 0.4× baseline)';
      rows.push(
        { group, name: `${showName}, repeated (${repeatedSource})`, ...measured.show, ratio: measured.show.rate / baseline.rate, note: runs(measured.show) },
        distinctRow(showName, measured.showDistinct, runs(measured.showDistinct)),
      );
      for (const [name, query] of [
        ['package_search, English word, 10 rows (target p99 ≤ 20 ms)', 'package_search?q=rainfall'],
        ['package_search, Simplified Chinese, 10 rows (target p99 ≤ 20 ms)', `package_search?q=${encodeURIComponent('雨量')}`],
        ['package_search, fq organization + res_format, facets', `package_search?fq=organization:td%20res_format:CSV&facet.field=${encodeURIComponent('["groups","tags"]')}`],
        ['package_search, no query, page 50', 'package_search?start=500'],
      ] as const) {
        const repeated = await load(`${url}/api/3/action/${query}`, { seconds });
        rows.push({ group, name: `${name}, repeated (${repeatedSource})`, ...repeated, ratio: repeated.rate / baseline.rate });
        rows.push(distinctRow(name, await distinct(`${url}/api/3/action/${query}`, seconds)));
      }
      // The distinct calls above all return the same datasets. Closer to many people at once: each call another page
      // of a common word's results, and each call a query never asked before (one dataset's number), which nothing
      // kept can answer: the database ranks it and every dataset on the page is read and presented. These calls too
      // each differ, so their ratios are to the baseline asked the same way.
      const pages = Math.min(200, Math.floor(size / 15 / 10));
      const paging = await load(url, { seconds, paths: Array.from({ length: 50_000 }, (_, i) => `/api/3/action/package_search?q=rainfall&start=${(i % pages) * 10}&_=${i}`) });
      rows.push({ group, name: `package_search, English word, every call another of its ${pages} pages (target p99 ≤ 20 ms)`, ...paging, ratio: paging.rate / distinctBaseline.rate, note: plainRatio(paging) });
      // Each query asked once (the run ends when they are used up): a dataset's number, in each metadata language
      // (each its own search), so that the smaller catalogue too has enough never asked.
      const first = size > 10_000 ? 10_000 : 1_000;
      const languages = size > 10_000 ? [''] : ['', '/tc-data', '/sc-data'];
      const queries = Array.from({ length: size - first }, (_, i) => languages.map((prefix) => `${prefix}/api/3/action/package_search?q=${first + i}`)).flat();
      const { asked, ...fresh } = await load(url, { seconds, paths: queries, once: true });
      rows.push({ group, name: 'package_search, every call a query never asked before (a dataset\'s number; ranked by the database)', ...fresh, ratio: fresh.rate / distinctBaseline.rate, note: `${asked} calls, each asked once; ${plainRatio(fresh)}` });
    }
  } finally {
    await bare.close();
  }
  return rows;
};
export default opendata;

/** Runs one client job in a child process (its own event loop), as harness.ts `load` does. */
export function client(request: ClientRequest): Promise<ClientAnswer> {
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
