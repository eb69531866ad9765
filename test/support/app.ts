import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createServer } from 'node:net';
import { buildApp, type App } from '../../src/app.ts';
import type { Config } from '../../src/platform/config.ts';
import type { Logger } from 'pino';
import { createDatabase, type Db } from '../../src/platform/db/database.ts';
import { startDatabaseProxy } from './db-proxy.ts';
import { createTestDatabase, testConfig, testLogger } from './database.ts';

export interface TestApp {
  app: App;
  db: Db;
  config: Config;
  close(): Promise<void>;
}

/** A fresh, migrated database and an app on it, for one test file. */
export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: database.url, ...overrides });
  const app = await buildApp({ config, db: database.db, logger: testLogger });
  await app.ready();
  return {
    app, db: database.db, config,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

export interface TestAppBehindProxy extends TestApp {
  /** The proxy between the app and its database: `cut()` is a network failure or a database restart, `restore()` ends it. */
  proxy: Awaited<ReturnType<typeof startDatabaseProxy>>;
}

/**
 * A fresh database and an app that reaches it only through a TCP proxy the test can cut (outage tests); `db` is the
 * test's own direct connection, which the cut does not touch.
 */
export async function createTestAppBehindProxy(overrides: Record<string, string> = {}, logger: Logger = testLogger): Promise<TestAppBehindProxy> {
  const database = await createTestDatabase();
  const proxy = await startDatabaseProxy(database.url);
  const pool = createDatabase(proxy.url, { poolSize: 3, logger: testLogger });
  const config = testConfig({ DATABASE_URL: proxy.url, ...overrides });
  const app = await buildApp({ config, db: pool.db, logger });
  await app.ready();
  return {
    app, db: database.db, config, proxy,
    async close() {
      await proxy.restore();
      await app.close();
      await pool.db.destroy();
      await proxy.close();
      await database.drop();
    },
  };
}

/** A browser-like client over inject(): keeps cookies, reads CSRF tokens from forms, follows nothing by itself. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: App, readonly headers: Record<string, string> = { accept: 'text/html' }) {}

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.app.inject({ ...options, headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...(options.headers as Record<string, string>) } });
    for (const c of response.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers });
  }

  /** Posts a form the way a browser does, with the CSRF token taken from the page at `formPage`. */
  async submit(formPage: string, action: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const page = await this.get(formPage);
    const token = csrfToken(page.body);
    return this.request({ method: 'POST', url: action, payload: new URLSearchParams({ ...fields, _csrf: token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  json(method: InjectOptions['method'], url: string, body?: unknown) {
    return this.request({ method, url, ...(body === undefined ? {} : { payload: JSON.stringify(body) }), headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) } });
  }
}

export function csrfToken(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}

/** Signs in to the staff console; the client then carries the session cookie. */
export async function signInStaff(app: App, email: string, password: string): Promise<Client> {
  const client = new Client(app);
  const response = await client.submit('/console/sign-in', '/console/sign-in', { email, password });
  if (response.statusCode !== 303) throw new Error(`sign-in as ${email} failed: ${response.statusCode}`);
  return client;
}

/** A port nothing listens on right now, for an app whose BASE_URL must be known before it listens. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A test app listening on 127.0.0.1, its BASE_URL its own address (by `localhost` if asked: passkeys need a domain). */
export async function listeningTestApp(hostname: '127.0.0.1' | 'localhost' = '127.0.0.1', overrides: Record<string, string> = {}): Promise<{ t: TestApp; base: string }> {
  const port = await freePort();
  const base = `http://${hostname}:${port}`;
  const t = await createTestApp({ ...overrides, BASE_URL: base });
  await t.app.listen({ host: '127.0.0.1', port });
  return { t, base };
}
