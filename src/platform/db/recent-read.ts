/**
 * `read()` shared by every caller within `maxAgeMs` of when it was sent, for the same `epoch`: a caller may be answered
 * from a read sent up to `maxAgeMs` before it asked, never from one sent under another epoch (a process's own changes
 * move its epoch, so it sees them at once). A failed read is not shared with later callers. Where a bounded delay in
 * seeing other processes' changes is allowed, this costs a read per `maxAgeMs`, not one per round trip under load
 * (shared-fresh-read.ts).
 */
export function recentRead<T>(read: () => Promise<T>, maxAgeMs: number, now: () => number = Date.now): (epoch: number) => Promise<T> {
  let last: { sent: Promise<T>; at: number; epoch: number } | undefined;
  return (epoch) => {
    const at = now();
    if (last && last.epoch === epoch && at - last.at <= maxAgeMs) return last.sent;
    const sent = read();
    const mine = { sent, at, epoch };
    last = mine;
    sent.catch(() => {
      if (last === mine) last = undefined;
    });
    return sent;
  };
}
