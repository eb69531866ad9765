import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { promisify } from 'node:util';

// smartgov as real operating-system processes on a test database, for crash and multi-process tests.
const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

export interface SmartgovProcess {
  child: ChildProcess;
  /** The address it listens on, once it says so. */
  address: Promise<string>;
  output(): string;
  /** SIGKILL: no hook runs, nothing is flushed, as when a machine dies. */
  kill9(): Promise<void>;
}

/** `smartgov start` with the given environment (over the parent's, minus its DATABASE_URL unless given). */
export function startSmartgov(env: NodeJS.ProcessEnv): SmartgovProcess {
  const full: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'info', ...env };
  for (const key of Object.keys(full)) if (full[key] === undefined) delete full[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], { cwd: root, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = once(child, 'exit');
  const address = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /smartgov is running at (http:\/\/[^"\s]+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(([code]) => reject(new Error(`smartgov exited with ${code}: ${output}`)));
    setTimeout(() => reject(new Error(`smartgov did not start within 2 minutes: ${output}`)), 120_000).unref();
  });
  address.catch(() => undefined);
  return {
    child, address, output: () => output,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** One `smartgov <args>` command to its end: exit code and what it printed. */
export function runSmartgov(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env }, timeout: 120_000 })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
}
