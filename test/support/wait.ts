// Waiting for what the server does in its own time: no limit on how fast, a generous one on how long,
// and a failure that names what never happened (never a hang).
//
//   await waitFor('the webhook is delivered', async () => (await events()).length === 1);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, holds: () => boolean | Promise<boolean>, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await sleep(options.everyMs ?? 25);
  }
}
