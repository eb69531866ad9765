import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { negotiateLocale, type Locale } from '../i18n/index.ts';
import { renderErrorPage } from '../../ui/index.ts';
import { registerErrorHandling, type FieldLabels } from './problem.ts';

// Every ajv keyword a page's form can fail, worded per language, on a small app with the platform's error handling
// and ajv options; the real routes are tested in errors.test.ts.

const LABELS: Record<Locale, Record<string, string>> = {
  en: { name: 'Full name', email: 'Email address', age: 'Age', count: 'Number of copies', kind: 'Kind of licence', tags: 'Topics', code: 'Reference code', when: 'Start date', note: 'Note', agree: 'Agreement', either: 'Plate', assignee: 'Assigned to' },
  'zh-HK': { name: '姓名', email: '電郵地址', age: '年齡', count: '副本數目', kind: '牌照類別', tags: '主題', code: '參考編號', when: '開始日期', note: '備註', agree: '同意', either: '車牌', assignee: '負責人' },
  'zh-CN': { name: '姓名', email: '电子邮件地址', age: '年龄', count: '副本数目', kind: '牌照类别', tags: '主题', code: '参考编号', when: '开始日期', note: '备注', agree: '同意', either: '车牌', assignee: '负责人' },
};
const fieldLabels: FieldLabels = (locale) => LABELS[locale];

const Body = Type.Object({
  name: Type.String({ maxLength: 10 }),
  email: Type.Optional(Type.String({ format: 'email' })),
  age: Type.Optional(Type.Integer({ minimum: 18, maximum: 130 })),
  count: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  kind: Type.Optional(Type.Union([Type.Literal('private'), Type.Literal('goods')])),
  tags: Type.Optional(Type.Array(Type.String(), { minItems: 1, maxItems: 2 })),
  code: Type.Optional(Type.String({ pattern: '^[A-Z]+$' })),
  when: Type.Optional(Type.String({ format: 'date' })),
  note: Type.Optional(Type.String({ minLength: 3 })),
  agree: Type.Optional(Type.Boolean()),
  either: Type.Optional(Type.Union([Type.String({ maxLength: 2 }), Type.Integer()])),
  assignee: Type.Optional(Type.Union([Type.Literal('me'), Type.String({ format: 'uuid' })])),
}, { additionalProperties: false });

let app: FastifyInstance;
before(async () => {
  app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } } });
  registerErrorHandling(app, {
    renderPage: (request, _reply, error) => renderErrorPage({
      locale: negotiateLocale(undefined, request.headers['accept-language']), lite: false, path: request.url, nonce: '', csrfToken: () => 'token',
      staff: undefined, citizen: undefined, requestId: request.id, sampleData: false,
    }, error),
    signInPath: () => undefined,
  });
  app.post('/labelled', { schema: { body: Body }, config: { fieldLabels } }, async () => 'saved');
  app.post('/unlabelled', { schema: { body: Body } }, async () => 'saved');
  app.get('/things/:id', { schema: { params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } }, async () => 'thing');
  await app.ready();
});
after(async () => { await app.close(); });

const page = async (url: string, payload: Record<string, unknown>, language: string) => {
  const response = await app.inject({ method: 'POST', url, payload, headers: { accept: 'text/html', 'accept-language': language } });
  assert.equal(response.statusCode, 400);
  assert.match(response.headers['content-type'] as string, /text\/html/);
  return response.body;
};

const WRONG = { name: 'x'.repeat(11), email: 'not an address', age: 12, count: 0, kind: 'bus', tags: ['a', 'b', 'c'], code: 'abc', when: '2026-02-30', note: 'ab', agree: 'perhaps', either: 'long', assignee: 'someone', extra: '1' };

test('each keyword in Traditional Chinese, named by the form\'s labels', async () => {
  const body = await page('/labelled', WRONG, 'zh-HK');
  for (const expected of [
    '「姓名」不可超過 10 個字元', '「電郵地址」必須是電郵地址，例如 name@example.com', '「年齡」不可少於 18', '「副本數目」必須大於 0',
    '請從提供的選項中選擇「牌照類別」', '「主題」最多只可有 2 項', '「參考編號」含有不接受的字元，或格式不正確', '「開始日期」必須是有效日期',
    '「備註」最少要有 3 個字元', '「同意」必須是「是」或「否」', '「車牌」不可超過 2 個字元', '請從提供的選項中選擇「負責人」', '表格送出了此頁不接受的欄位（extra）',
  ]) assert.ok(body.includes(expected), expected);
  const summary = /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '';
  assert.equal(summary.match(/<li>/g)?.length, 13, 'one reason per field, none for a union\'s branches');
  assert.doesNotMatch(body, /must|constant/);
});

test('Simplified Chinese and English wordings; limits, whole numbers and required fields', async () => {
  const zhCn = await page('/labelled', { ...WRONG, age: 200, count: 'many', tags: [] }, 'zh-CN');
  for (const expected of ['“姓名”不能超过 10 个字符', '“年龄”不能大于 130', '“副本数目”必须是数字', '“主题”至少要有 1 项', '表单提交了此页不接受的字段（extra）']) {
    assert.ok(zhCn.includes(expected), expected);
  }
  const en = await page('/labelled', { age: 20.5, note: '' }, 'en');
  assert.ok(en.includes('Full name must be filled in'));
  assert.ok(en.includes('Age must be a whole number'));
  assert.ok(en.includes('Note must be at least 3 characters'));
  const zhHk = await page('/labelled', { email: 'a@b.hk' }, 'zh-HK');
  assert.ok(zhHk.includes('請填寫「姓名」'));
});

test('without labels the field is named generically, and a bad address is one reason for the page', async () => {
  const body = await page('/unlabelled', { name: 'x'.repeat(11) }, 'zh-HK');
  assert.ok(body.includes('欄位「name」不可超過 10 個字元'));
  const address = await app.inject({ url: '/things/nope', headers: { accept: 'text/html', 'accept-language': 'zh-CN' } });
  assert.equal(address.statusCode, 400);
  assert.ok(address.body.includes('此网页的网址无效。请检查链接再试。'));
  assert.ok(!address.body.includes('回到表单'), 'no form to go back to');
});

test('programs still get the English problem document, field by field', async () => {
  const response = await app.inject({ method: 'POST', url: '/labelled', payload: { name: 'x'.repeat(11), kind: 'bus', extra: '1' }, headers: { accept: 'application/json', 'accept-language': 'zh-HK' } });
  assert.equal(response.statusCode, 400);
  assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  const problem = response.json();
  assert.equal(problem.code, 'invalid_input');
  assert.deepEqual(problem.errors, [
    { field: 'body.extra', reason: 'is not an accepted field' },
    { field: 'body.name', reason: 'must NOT have more than 10 characters' },
    { field: 'body.kind', reason: 'must be equal to constant' },
    { field: 'body.kind', reason: 'must be equal to constant' },
    { field: 'body.kind', reason: 'must match a schema in anyOf' },
  ]);
  assert.match(problem.detail, /^body\.extra is not an accepted field; body\.name must NOT have more than 10 characters/);
});
