import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../../src/platform/db/database.ts';
import type { App } from '../../src/app.ts';
import { hashPassword } from '../../src/identity/password.ts';
import * as store from '../../src/identity/store.ts';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { registerClient } from '../../src/identity/index.ts';
import { systemContext } from '../../src/platform/context.ts';
import { Client, type TestApp } from './app.ts';

export const CITIZEN_PASSWORD = 'citizen horse battery staple';
let passwordHash: Promise<string> | undefined;

/** A citizen with a verified email, optionally with two-step verification on, proofed (iAM Smart+) and an e-ME profile. */
export async function buildCitizen(db: Db, overrides: Partial<{ email: string; totp: boolean; proofed: boolean; profile: Record<string, string> }> = {}) {
  const email = overrides.email ?? `citizen-${randomUUID().slice(0, 8)}@example.test`;
  const totpSecret = overrides.totp ? new Secret({ size: 20 }).base32 : null;
  const row = await store.insertCitizen(db, {
    email, password_hash: await (passwordHash ??= hashPassword(CITIZEN_PASSWORD)), totp_secret: totpSecret, totp_pending_secret: null,
    proofed_at: overrides.proofed ? new Date() : null, disabled_at: null,
  });
  await store.upsertProfileField(db, { citizen_id: row.id, field: 'email', value: email, verified: true });
  for (const [field, value] of Object.entries(overrides.profile ?? { name_en: 'CHAN, Tai Man', date_of_birth: '1990-05-01' })) {
    await store.upsertProfileField(db, { citizen_id: row.id, field, value, verified: false });
  }
  return { ...row, email, password: CITIZEN_PASSWORD, totpCode: () => (totpSecret ? totpNow(totpSecret) : '') };
}

export const totpNow = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();

/** Signs a citizen in through the pages (password, then the TOTP code if the account has one). */
export async function signInCitizen(app: App, citizen: { email: string; password: string; totpCode: () => string }): Promise<Client> {
  const client = new Client(app);
  const first = await client.submit('/account/sign-in', '/account/sign-in', { email: citizen.email, password: citizen.password });
  if (first.statusCode !== 303) throw new Error(`citizen sign-in failed: ${first.statusCode}`);
  if (first.headers.location?.toString().startsWith('/account/sign-in/code')) {
    const second = await client.submit(first.headers.location.toString(), '/account/sign-in/code', { code: citizen.totpCode() });
    if (second.statusCode !== 303) throw new Error(`citizen second step failed: ${second.statusCode}`);
  }
  return client;
}

/**
 * A minimal browser over fetch for tests against a listening server: a cookie jar, forms with their CSRF token,
 * and redirects followed until they leave for a relying party's redirect URI.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.base);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(target, { ...init, redirect: 'manual', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some((a) => /^\s*max-age=0$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!) < new Date()));
      if (expired || value.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return response;
  }

  /** Follows redirects within the site; stops at the first one to `stopAt` (the relying party) or at a page. */
  async follow(url: string, stopAt: string, init: RequestInit = {}): Promise<{ url: string; response: Response; body: string }> {
    let current = new URL(url, this.base).href;
    let response = await this.fetch(current, init);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 20; hops++) {
      current = new URL(response.headers.get('location')!, current).href;
      if (current.startsWith(stopAt)) return { url: current, response, body: '' };
      response = await this.fetch(current);
    }
    return { url: current, response, body: await response.text() };
  }

  async submit(page: { url: string; body: string }, fields: Record<string, string>, stopAt: string, formAction?: string) {
    // The page's own forms, as a person would use them: not the sign-out form in the header.
    const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(page.body)?.[1] ?? page.body;
    const forms = [...main.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = formAction ? forms.find((f) => f[1] === formAction) : forms[0];
    if (!form) throw new Error(`no form on ${page.url}`);
    // Hidden inputs (CSRF token, return path) go with the form, as a browser sends them.
    const hidden = Object.fromEntries([...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    return this.follow(new URL(form[1]!.replace(/&amp;/g, '&'), page.url).href, stopAt, {
      method: 'POST', body: new URLSearchParams({ ...hidden, ...fields }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
}

/** Where test relying parties are redirected: nothing listens there, tests read the URL. */
export const RP_REDIRECT = 'http://127.0.0.1:9/callback';

/** Registers a relying party that authenticates with private_key_jwt, and discovers the provider as openid-client. */
export async function privateKeyJwtClient(t: TestApp, base: string, name = 'Test Library (test)') {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256', use: 'sig' };
  const { clientId } = await registerClient(t.db, systemContext('test'), {
    clientName: name, purpose: 'To fill in your library card application.', redirectUris: [RP_REDIRECT], postLogoutRedirectUris: ['http://127.0.0.1:9/signed-out'], jwks: { keys: [jwk] },
  });
  const config = await oidc.discovery(new URL(`${base}/oidc`), clientId, { redirect_uris: [RP_REDIRECT] }, oidc.PrivateKeyJwt(privateKey), { execute: [oidc.allowInsecureRequests] });
  return { clientId, config };
}

/** The browser part: authorization request (pushed), sign-in when asked, consent when asked; returns the callback URL. */
export async function authorizeInBrowser(config: oidc.Configuration, browser: Browser, citizen: { email: string; password: string; totpCode: () => string }, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = await oidc.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: RP_REDIRECT, scope: 'openid profile email', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  let page = await browser.follow(url.href, RP_REDIRECT);
  const seen: string[] = [];
  for (let steps = 0; !page.url.startsWith(RP_REDIRECT) && steps < 6; steps++) {
    const path = new URL(page.url).pathname;
    seen.push(path);
    if (path === '/account/sign-in') page = await browser.submit(page, { email: citizen.email, password: citizen.password }, RP_REDIRECT);
    else if (path === '/account/sign-in/code') page = await browser.submit(page, { code: citizen.totpCode() }, RP_REDIRECT);
    else if (path.startsWith('/account/authorize/')) page = await browser.submit(page, { decision: 'allow' }, RP_REDIRECT);
    else throw new Error(`unexpected page ${page.url} (${page.response.status}): ${page.body.slice(0, 300)}`);
  }
  return { callback: new URL(page.url), verifier, state, seen };
}
