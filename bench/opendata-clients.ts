import { execFile } from 'node:child_process';
import autocannon from 'autocannon';

// Open data clients, forked by opendata.bench.ts so that they do not share the server's event loop (as load-generator.ts):
// - distinct: CKAN calls that each differ by an ignored parameter, so none is answered from the answer cache;
// - download: whole-file downloads by several curl processes, bytes counted and dropped (what a download tool does).
export type ClientRequest =
  | { kind: 'distinct'; url: string; connections: number; seconds: number }
  | { kind: 'download'; url: string; connections: number; seconds: number };
export interface ClientAnswer { rate: number; p99Ms?: number; failures: number }

async function distinct(target: string, connections: number, seconds: number): Promise<ClientAnswer> {
  let n = 0;
  const url = new URL(target);
  const options = {
    url: url.origin, connections,
    requests: [{ method: 'GET' as const, setupRequest: (request: object) => ({ ...request, path: `${url.pathname}${url.search}&_=${n++}` }) }],
  };
  // One second first, not counted (as load-generator.ts): JIT and cold caches are not steady state.
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: seconds });
  return { rate: result.requests.average, p99Ms: result.latency.p99, failures: result.non2xx + result.errors };
}

/**
 * MB/s over `connections` loops of whole downloads by curl (what people download with), bytes counted by curl and
 * dropped. A Node http client in this process was the bottleneck: it read about 110 MB/s where curl reads 700+.
 */
async function download(target: string, connections: number, seconds: number): Promise<ClientAnswer> {
  const once = () => new Promise<number>((resolve, reject) => {
    execFile('curl', ['--silent', '--fail', '--output', '/dev/null', '--write-out', '%{size_download}', target], (error, stdout) => {
      if (error) reject(new Error(`curl ${target}: ${error.message}`));
      else resolve(Number(stdout));
    });
  });
  await once();
  const started = Date.now();
  const end = started + seconds * 1000;
  let bytes = 0;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < end) {
      // Not `bytes += await once()`: that reads `bytes` before the await, so concurrent loops overwrote each other's counts.
      const downloaded = await once();
      bytes += downloaded;
    }
  }));
  return { rate: bytes / ((Date.now() - started) / 1000) / 1e6, failures: 0 };
}

process.once('message', async (request: ClientRequest) => {
  const answer = request.kind === 'distinct'
    ? await distinct(request.url, request.connections, request.seconds)
    : await download(request.url, request.connections, request.seconds);
  process.send!(answer, () => process.disconnect());
});
