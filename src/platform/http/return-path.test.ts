import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeReturnPath } from './return-path.ts';

test('plain relative paths are kept', () => {
  assert.equal(safeReturnPath('/console/audit?action=staff'), '/console/audit?action=staff');
  assert.equal(safeReturnPath('/'), '/');
});

test('anything that could leave the site falls back', () => {
  for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', 'console', '', '/\t/evil.example', '/%0d%0aSet-Cookie:x', undefined, 42]) {
    const result = safeReturnPath(bad, '/home');
    assert.ok(result === '/home' || (result.startsWith('/') && !result.startsWith('//')), `${String(bad)} gave ${result}`);
  }
  assert.equal(safeReturnPath('//evil.example', '/home'), '/home');
  assert.equal(safeReturnPath('/\\evil.example', '/home'), '/home');
  assert.equal(safeReturnPath('https://evil.example/', '/home'), '/home');
});
