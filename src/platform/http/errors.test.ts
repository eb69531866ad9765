import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signInStaff, type TestApp } from '../../../test/support/app.ts';
import { buildStaff } from '../../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../../test/support/identity-factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const isProblem = (response: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown> }, status: number) => {
  assert.equal(response.statusCode, status);
  assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  const body = response.json();
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.requestId, 'string');
  assert.ok(!JSON.stringify(body).includes('    at '), 'no stack trace');
  return body;
};

test('bad input to the API is a 4xx problem document, never a 500', async () => {
  const admin = await buildStaff(t.db, { roles: ['platform_admin'] });
  const client = await signInStaff(t.app, admin.email, admin.password);
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const post = (payload: string, type = 'application/json') =>
    t.app.inject({ method: 'POST', url: '/api/v1/organisations', payload, headers: { 'content-type': type, cookie, accept: 'application/json' } });

  isProblem(await post('{"code": '), 400);
  isProblem(await post(''), 400);
  const wrongTypes = isProblem(await post(JSON.stringify({ code: 12, kind: 'castle', nameEn: ['x'], nameZhHk: null })), 400);
  assert.ok((wrongTypes.errors as { field: string }[]).some((e) => e.field === 'body.code'));
  const extra = isProblem(await post(JSON.stringify({ code: 'OKAY', kind: 'department', nameEn: 'x', nameZhHk: 'x', admin: true })), 400);
  assert.ok((extra.errors as { field: string }[]).some((e) => e.field === 'body.admin'));
  isProblem(await post(JSON.stringify({ nameEn: 'x'.repeat(2_000_000) })), 413);
  isProblem(await post('<xml/>', 'application/xml'), 415);
  isProblem(await t.app.inject({ method: 'GET', url: '/api/v1/staff/not-a-uuid', headers: { cookie } }), 400);
  isProblem(await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }), 404);
  isProblem(await t.app.inject({ method: 'DELETE', url: '/api/v1/organisations' }), 404);
});

test('people get a page, in their language, for the same errors', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/no/such/page', headers: { accept: 'text/html', cookie: 'lang=zh-HK' } });
  assert.equal(response.statusCode, 404);
  assert.match(response.headers['content-type'] as string, /text\/html/);
  assert.match(response.body, /<html lang="zh-HK">/);
  assert.match(response.body, /找不到網頁/);
});

const isPage = (response: { statusCode: number; headers: Record<string, unknown>; body: string }, locale: string) => {
  assert.equal(response.statusCode, 400);
  assert.match(response.headers['content-type'] as string, /text\/html/);
  assert.match(response.body, new RegExp(`<html lang="${locale}">`));
  assert.doesNotMatch(response.body, /must NOT have|must match|is required|is not an accepted field/, 'no English schema reason');
  return response.body;
};

test('a form refused by its schema is explained in the page\'s language; the API keeps its English problem', async () => {
  const admin = await buildStaff(t.db, { roles: ['organisation_admin'] });
  const staff = await signInStaff(t.app, admin.email, admin.password);
  const tooLong = { nameEn: 'x'.repeat(4_001), nameZhHk: '名稱' };

  staff.cookies.set('lang', 'zh-HK');
  const zhHk = isPage(await staff.submit('/console/services/new', '/console/services/new', tooLong), 'zh-HK');
  assert.match(zhHk, /<h1>部分資料無效<\/h1>/);
  assert.match(zhHk, /「英文名稱」不可超過 4,000 個字元/, 'named by the form\'s label');
  assert.match(zhHk, /請按瀏覽器的「返回」鍵回到表格/);

  staff.cookies.set('lang', 'zh-CN');
  const zhCn = isPage(await staff.submit('/console/services/new', '/console/services/new', tooLong), 'zh-CN');
  assert.match(zhCn, /<h1>部分资料无效<\/h1>/);
  assert.match(zhCn, /“英文名称”不能超过 4,000 个字符/);

  staff.cookies.set('lang', 'en');
  const en = isPage(await staff.submit('/console/services/new', '/console/services/new', tooLong), 'en');
  assert.match(en, /Name in English must be 4,000 characters or fewer/);

  staff.cookies.set('lang', 'zh-HK');
  const address = isPage(await staff.get('/console/services/not-a-uuid'), 'zh-HK');
  assert.match(address, /此網頁的網址無效/);
  assert.doesNotMatch(address, /返回」鍵/, 'no form to go back to');

  const api = await staff.json('POST', '/api/v1/organisations', { code: 'LONG', kind: 'department', nameEn: 'x'.repeat(201), nameZhHk: '部門' });
  const problem = isProblem(api, 400);
  assert.equal(problem.detail, 'body.nameEn must NOT have more than 200 characters');
  assert.deepEqual(problem.errors, [{ field: 'body.nameEn', reason: 'must NOT have more than 200 characters' }]);
});

test('the citizen profile and the open data dataset form, posted over-long in zh-HK', async () => {
  const citizen = await signInCitizen(t.app, await buildCitizen(t.db));
  citizen.cookies.set('lang', 'zh-HK');
  const profile = isPage(await citizen.submit('/account/profile', '/account/profile', { name_en: 'x'.repeat(1_001) }), 'zh-HK');
  assert.match(profile, /欄位「name_en」不可超過 1,000 個字元/);

  const officer = await buildStaff(t.db, { roles: ['officer'] });
  const staff = await signInStaff(t.app, officer.email, officer.password);
  staff.cookies.set('lang', 'zh-HK');
  const dataset = isPage(await staff.submit('/console/opendata/new', '/console/opendata', { titleEn: 'x'.repeat(20_001) }), 'zh-HK');
  assert.match(dataset, /欄位「titleEn」不可超過 20,000 個字元/);
});

test('every response carries a request id, and a valid incoming one is kept', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-1234567890' } });
  assert.equal(response.headers['x-request-id'], 'trace-1234567890');
  const generated = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\n' } });
  assert.match(generated.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
});

test('health, readiness and metrics', async () => {
  assert.deepEqual((await t.app.inject('/healthz')).json(), { status: 'ok' });
  assert.deepEqual((await t.app.inject('/readyz')).json(), { status: 'ready' });
  const metrics = await t.app.inject('/metrics');
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /http_request_duration_seconds_bucket/);
  assert.match(metrics.body, /process_cpu_user_seconds_total/);
});

test('the OpenAPI 3.1 document is generated from the routes', async () => {
  const response = await t.app.inject('/api/openapi.json');
  assert.equal(response.statusCode, 200);
  const document = response.json();
  assert.equal(document.openapi, '3.1.0');
  assert.ok(document.paths['/api/v1/organisations'].post.requestBody);
  assert.ok(document.paths['/api/v1/audit'].get);
  assert.equal(document.paths['/console/sign-in'], undefined, 'pages are not API');
  const docs = await t.app.inject('/api/docs/');
  assert.equal(docs.statusCode, 200);
});

test('security headers: CSP with a fresh nonce per request, no framing, no sniffing', async () => {
  const first = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
  const second = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
  const csp = first.headers['content-security-policy'] as string;
  assert.match(csp, /script-src 'self' 'nonce-[0-9a-f]{32}'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.notEqual(csp, second.headers['content-security-policy']);
  assert.equal(first.headers['x-content-type-options'], 'nosniff');
  assert.equal(first.headers['cache-control'], 'no-store');
});
