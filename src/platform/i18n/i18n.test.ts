import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineMessages, negotiateLocale, toSimplified } from './index.ts';

test('the saved choice wins, then Accept-Language, then English', () => {
  assert.equal(negotiateLocale('zh-CN', 'en-GB'), 'zh-CN');
  assert.equal(negotiateLocale(undefined, 'zh-HK,zh;q=0.9,en;q=0.8'), 'zh-HK');
  assert.equal(negotiateLocale(undefined, 'zh-TW'), 'zh-HK');
  assert.equal(negotiateLocale(undefined, 'zh-Hans-CN,zh;q=0.9'), 'zh-CN');
  assert.equal(negotiateLocale('xx', 'fr-FR'), 'en');
});

test('Simplified Chinese is converted from Traditional unless given', () => {
  const t = defineMessages({ en: { a: 'Data', b: 'Hi {name}' }, 'zh-HK': { a: '開放數據', b: '你好，{name}' }, 'zh-CN': { b: '您好，{name}' } });
  assert.equal(t('zh-CN')('a'), '开放数据');
  assert.equal(t('zh-CN')('b', { name: '陳' }), '您好，陳');
  assert.equal(t('en')('b', { name: 'Chan' }), 'Hi Chan');
  assert.equal(toSimplified('香港特別行政區'), '香港特别行政区');
});
