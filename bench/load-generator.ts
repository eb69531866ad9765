import autocannon from 'autocannon';

// Runs in its own process (forked by harness.ts `load`): the load generator must not share the server's event loop,
// or every figure measures autocannon as much as smartgov. One request from the parent, one answer, then exit.
export interface LoadRequest {
  url: string;
  connections: number;
  seconds: number;
  method: 'GET' | 'POST';
  body?: string | undefined;
  headers: Record<string, string>;
  /** Paths (with query) asked for in turn across all connections (each request the next one), instead of the URL's own. */
  paths?: string[] | undefined;
  /** Headers added to each request in turn across all connections (request i gets headerSets[i % n]), beside `headers`. */
  headerSets?: Record<string, string>[] | undefined;
}

export interface LoadAnswer {
  rate: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

process.once('message', async (request: LoadRequest) => {
  const { paths, headerSets } = request;
  let asked = 0;
  let headed = 0;
  const perRequest = (next: autocannon.Request) => ({
    ...next,
    ...(paths ? { path: paths[asked++ % paths.length]! } : {}),
    ...(headerSets ? { headers: { ...next.headers, ...headerSets[headed++ % headerSets.length] } } : {}),
  });
  const options = {
    url: request.url, connections: request.connections, method: request.method,
    ...(request.body ? { body: request.body } : {}), headers: request.headers,
    ...(paths || headerSets ? { requests: [{ setupRequest: perRequest }] } : {}),
  };
  // One second of the same load first, not counted: JIT compilation and cold caches are not steady-state figures.
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: request.seconds });
  const answer: LoadAnswer = { rate: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
  process.send!(answer, () => process.disconnect());
});
