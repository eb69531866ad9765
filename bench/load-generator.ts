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
  /**
   * Each of `paths` (or, without paths, each of `headerSets`) asked at most once (never again by the warm-up or the
   * run): the run ends when they are used up or after about `seconds` at the warm-up's rate, whichever comes first.
   * For calls that must each be new.
   */
  once?: boolean | undefined;
}

export interface LoadAnswer {
  rate: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** With `once`: how many calls the run made. */
  asked?: number;
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
  // The same load first, not counted (JIT compilation and cold caches are not steady-state figures): one second, or
  // with `once` a tenth of the paths (at most 2,000), whose rate sets how many calls make the run about `seconds` long.
  // autocannon may set up a connection's next request and not send it: such a run stops a connection's worth early.
  const once = request.once ? (paths ?? headerSets) : undefined;
  const used = () => (paths ? asked : headed);
  const warmUp = await timed(once ? { ...options, amount: Math.min(2_000, Math.floor(once.length / 10)) } : { ...options, duration: 1 });
  const run = await timed(once
    ? { ...options, amount: Math.min(once.length - used() - request.connections, Math.ceil(warmUp.rate * request.seconds)) }
    : { ...options, duration: request.seconds });
  const result = run.result;
  const rate = once ? run.rate : result.requests.average;
  const answer: LoadAnswer = { rate, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors, ...(once ? { asked: result.requests.total } : {}) };
  process.send!(answer, () => process.disconnect());
});

/**
 * One autocannon run, and its rate timed here from its start to its last answer: a run of a set number of calls is
 * reported at the next whole second, which made a 4.2 s run count as 5.
 */
function timed(options: autocannon.Options): Promise<{ result: autocannon.Result; rate: number }> {
  let started = 0;
  let answered = 0;
  return new Promise((resolve, reject) => {
    const run = autocannon(options, (error, result) => (error ? reject(error) : resolve({ result, rate: result.requests.total / Math.max((answered - started) / 1000, 0.001) })));
    run.on('start', () => { started = performance.now(); });
    run.on('response', () => { answered = performance.now(); });
  });
}
