import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const DOCUMENT_ONLY = ['cross-origin-opener-policy', 'origin-agent-cluster', 'referrer-policy', 'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection'];

function isApiSet(headers: Record<string, unknown>, url: string) {
  assert.equal(headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'", url);
  assert.equal(headers['x-content-type-options'], 'nosniff', url);
  assert.equal(headers['cross-origin-resource-policy'], 'same-origin', url);
  assert.equal(headers['x-frame-options'], 'DENY', url);
  for (const name of DOCUMENT_ONLY) assert.equal(headers[name], undefined, `${url}: ${name} is for documents`);
}

function isDocumentSet(headers: Record<string, unknown>, url: string): string {
  const csp = headers['content-security-policy'] as string;
  assert.match(csp, /default-src 'self'/, url);
  assert.match(csp, /frame-ancestors 'none'/, url);
  const nonce = /script-src 'self' 'nonce-([0-9a-f]{32})'/.exec(csp)?.[1];
  assert.ok(nonce, `${url}: a script nonce`);
  assert.match(csp, /style-src 'self' 'nonce-[0-9a-f]{32}'/, url);
  assert.equal(headers['x-content-type-options'], 'nosniff', url);
  assert.equal(headers['x-frame-options'], 'SAMEORIGIN', url);
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin', url);
  assert.equal(headers['referrer-policy'], 'no-referrer', url);
  return nonce;
}

test('JSON answers, problem documents and files carry the short header set: no nonce, no page-only headers', async () => {
  for (const url of ['/healthz', '/api/v1/organisations', '/api/3/action/package_list', '/api/v1/nothing-here', '/assets/site.css', '/oidc/me']) {
    const response = await t.app.inject({ url, headers: { accept: 'application/json' } });
    assert.notEqual(response.statusCode, 500, url);
    isApiSet(response.headers, url);
  }
});

test('every HTML page, error pages too, carries helmet\'s whole set with a fresh nonce, the one its inline script uses', async () => {
  const nonces = new Set<string>();
  for (const url of ['/', '/', '/services', '/no-such-page', '/account/sign-in']) {
    const response = await t.app.inject({ url, headers: { accept: 'text/html' } });
    assert.match(response.headers['content-type'] as string, /^text\/html/, url);
    const nonce = isDocumentSet(response.headers, url);
    nonces.add(nonce);
    for (const [, used] of response.body.matchAll(/<script[^>]* nonce="([^"]*)"/g)) assert.equal(used, nonce, `${url}: inline script nonce`);
  }
  assert.equal(nonces.size, 5, 'a new nonce for every page');
});

test('the OpenID Provider\'s answers, written outside Fastify, carry the whole set, as it may answer a page', async () => {
  const response = await t.app.inject({ url: '/oidc/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fexample.org%2Fcb' });
  assert.equal(response.statusCode, 400);
  assert.match(response.headers['content-type'] as string, /^text\/html/);
  isDocumentSet(response.headers, '/oidc/auth');
});

test('a sign-in page on the way back to a service lets its form reach https and loopback redirect URIs; other pages do not', async () => {
  const onTheWay = await t.app.inject({ url: '/account/sign-in?return=%2Faccount%2Fauthorize%2Fabcdefghijkl', headers: { accept: 'text/html' } });
  assert.match(onTheWay.headers['content-security-policy'] as string, /form-action 'self' https: http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\* http:\/\/\[::1\]:\*;/);
  const plain = await t.app.inject({ url: '/account/sign-in?return=%2Fwallet', headers: { accept: 'text/html' } });
  assert.match(plain.headers['content-security-policy'] as string, /form-action 'self';/);
});
