/** How many requests one read takes, and how many reads may be under way at once (so they cannot take the whole pool). */
export interface ReadTogetherLimits { batch: number; inFlight: number }

interface Waiting<Q, A> { request: Q; resolve(answer: A): void; reject(error: unknown): void }

/**
 * Requests read together: those that arrive in one turn of the event loop, or while `inFlight` reads are already under
 * way, share the next read (up to `batch` requests, answered in order by `read`). A request is never answered by a
 * read sent before it asked, so each sees every change committed before it arrived. When a read fails, each of its
 * requests fails with it; with `retryAlone`, a read of several is instead tried again for each request on its own, so
 * that a request that cannot be read fails alone.
 */
export function readTogether<Q, A>(read: (requests: Q[]) => Promise<A[]>, limits: ReadTogetherLimits & { retryAlone?: boolean }): (request: Q) => Promise<A> {
  let waiting: Waiting<Q, A>[] = [];
  let inFlight = 0;
  let sendScheduled = false;
  const readAlone = (w: Waiting<Q, A>) => read([w.request]).then((answers) => w.resolve(answers[0]!), w.reject);
  const failed = (batch: Waiting<Q, A>[], error: unknown): unknown =>
    (limits.retryAlone && batch.length > 1 ? Promise.all(batch.map(readAlone)) : batch.forEach((w) => w.reject(error)));
  const send = () => {
    sendScheduled = false;
    while (waiting.length > 0 && inFlight < limits.inFlight) {
      const batch = waiting.slice(0, limits.batch);
      waiting = waiting.slice(limits.batch);
      inFlight++;
      read(batch.map((w) => w.request)).then(
        (answers) => batch.forEach((w, i) => w.resolve(answers[i]!)),
        (error: unknown) => failed(batch, error),
      ).finally(() => {
        inFlight--;
        send();
      });
    }
  };
  return (request: Q) => new Promise<A>((resolve, reject) => {
    waiting.push({ request, resolve, reject });
    // The rest of this turn's requests join the same read; a full pipeline sends them when a read returns.
    if (!sendScheduled && inFlight < limits.inFlight) {
      sendScheduled = true;
      setImmediate(send);
    }
  });
}
