/**
 * `read()` shared by concurrent callers without ever answering one of them from a read sent before it called: a caller
 * that finds a read under way waits for the next one, which all such callers share. Under load, one read of a
 * catalogue's version serves many requests; each still sees every change committed before it asked.
 */
export function sharedFreshRead<T>(read: () => Promise<T>): () => Promise<T> {
  let underWay: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const send = () => {
    const sent = read();
    underWay = sent;
    const done = () => {
      if (underWay === sent) underWay = undefined;
    };
    sent.then(done, done);
    return sent;
  };
  return () => {
    if (!underWay) return send();
    next ??= underWay.then(() => undefined, () => undefined).then(() => {
      next = undefined;
      return send();
    });
    return next;
  };
}
