import { createHash, randomBytes } from 'node:crypto';

// A citizen's complete single sign-on, as a browser and a relying party perform it, over HTTP: the service's
// authorization request, smartgov's sign-in page (CSRF token), the password form (argon2id verification), the
// provider's redirects (consent when first asked), then the service's code exchange at the token endpoint.
// Forked by identity.bench.ts so that the load runs on its own event loop; also imported for single sign-ins.

export interface SignInTarget {
  /** Where the app listens. */
  base: string;
  /** The configured BASE_URL: the provider's absolute redirects use it and are sent to `base` instead. */
  publicBase: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
}
export interface Persona { email: string; password: string }

export interface DriverRequest { target: SignInTarget; personas: Persona[]; mode: 'closed' | 'open'; concurrency: number; perSecond: number; seconds: number }
export interface DriverAnswer { completed: number; failed: number; firstError?: string | undefined; p99Ms: number; seconds: number }

const b64url = (buffer: Buffer) => buffer.toString('base64url');

class Jar {
  private readonly cookies = new Map<string, string>();
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  take(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1);
      if (value === '' || attributes.some((a) => /^\s*max-age=0$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!) < new Date()))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** One complete sign-in; returns the token response. Throws on anything unexpected. */
export async function signIn(target: SignInTarget, persona: Persona): Promise<{ access_token: string; refresh_token?: string; id_token: string }> {
  const jar = new Jar();
  const local = (url: string) => new URL(url.startsWith(target.publicBase) ? target.base + url.slice(target.publicBase.length) : url, target.base).href;
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(local(url), { ...init, redirect: 'manual', headers: { accept: 'text/html', cookie: jar.header(), ...(init.headers as Record<string, string>) } });
    jar.take(response);
    return response;
  };
  /** Follows redirects until a page, or until the service's redirect URI (returned, not fetched). */
  const follow = async (response: Response): Promise<{ response: Response; url: string; body: string }> => {
    let url = response.url;
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      if (hops > 15) throw new Error('too many redirects');
      url = new URL(response.headers.get('location')!, local(url)).href;
      if (url.startsWith(target.redirectUri)) return { response, url, body: '' };
      response = await go(url);
    }
    return { response, url, body: await response.text() };
  };
  const submit = async (page: { url: string; body: string }, fields: Record<string, string>) => {
    const form = /<main[^>]*>[\s\S]*?<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
    if (!form) throw new Error(`no form on ${page.url} (${page.body.slice(0, 200)})`);
    const hidden = Object.fromEntries([...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const action = new URL(form[1]!.replace(/&amp;/g, '&'), page.url).href;
    return follow(await go(action, { method: 'POST', body: new URLSearchParams({ ...hidden, ...fields }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
  };

  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const authorize = new URL('/oidc/auth', target.base);
  authorize.search = new URLSearchParams({
    client_id: target.clientId, redirect_uri: target.redirectUri, response_type: 'code', scope: target.scope, state,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
  }).toString();
  let page = await follow(await go(authorize.href));
  for (let steps = 0; !page.url.startsWith(target.redirectUri); steps++) {
    if (steps > 4) throw new Error(`stuck at ${page.url} (${page.response.status})`);
    const path = new URL(page.url).pathname;
    if (path === '/account/sign-in') page = await submit(page, { email: persona.email, password: persona.password });
    else if (path.startsWith('/account/authorize/')) page = await submit(page, { decision: 'allow' });
    else throw new Error(`unexpected page ${page.url} (${page.response.status}): ${page.body.slice(0, 200)}`);
  }
  const callback = new URL(page.url);
  if (callback.searchParams.get('state') !== state || !callback.searchParams.get('code')) throw new Error(`bad callback ${callback.href}`);
  const token = await fetch(new URL('/oidc/token', target.base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: target.redirectUri, code_verifier: verifier }).toString(),
  });
  if (token.status !== 200) throw new Error(`token endpoint answered ${token.status}: ${await token.text()}`);
  return (await token.json()) as { access_token: string; refresh_token?: string; id_token: string };
}

const p99 = (latencies: number[]) => {
  const sorted = latencies.sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!) : 0;
};

/**
 * `closed`: `concurrency` citizens sign in one after another as fast as they can (capacity). `open`: sign-ins start at
 * a fixed `perSecond` whatever the answers take (a sustained arrival rate; slow answers do not slow the arrivals).
 */
async function drive(request: DriverRequest): Promise<DriverAnswer> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const one = async () => {
    const started = performance.now();
    try {
      await signIn(request.target, request.personas[next++ % request.personas.length]!);
      latencies.push(performance.now() - started);
    } catch (error) {
      failed++;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  };
  const start = performance.now();
  const end = start + request.seconds * 1000;
  if (request.mode === 'closed') {
    await Promise.all(Array.from({ length: request.concurrency }, async () => { while (performance.now() < end) await one(); }));
  } else {
    const running: Promise<void>[] = [];
    for (let i = 0; start + (i * 1000) / request.perSecond < end; i++) {
      const due = start + (i * 1000) / request.perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      running.push(one());
    }
    await Promise.all(running);
  }
  return { completed: latencies.length, failed, firstError, p99Ms: p99(latencies), seconds: (performance.now() - start) / 1000 };
}

if (process.send) {
  process.once('message', async (request: DriverRequest) => {
    const answer = await drive(request);
    process.send!(answer, () => process.disconnect());
  });
}
