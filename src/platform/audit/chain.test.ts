import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, entryHash, GENESIS_HASH } from './chain.ts';

test('canonical JSON does not depend on key order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
});

test('any change to an entry changes its hash', () => {
  const entry = {
    seq: 1, occurred_at: new Date('2026-11-24T00:00:00.000Z'), actor_kind: 'system' as const, actor_id: null, actor_label: 'test',
    organisation_id: null, action: 'x.done', record_type: 'x', record_id: '1', request_id: 'r', detail: { a: 1 }, prev_hash: GENESIS_HASH,
  };
  const base = entryHash(entry);
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.notEqual(entryHash({ ...entry, detail: { a: 2 } }), base);
  assert.notEqual(entryHash({ ...entry, seq: 2 }), base);
  assert.notEqual(entryHash({ ...entry, prev_hash: 'f'.repeat(64) }), base);
  assert.equal(entryHash({ ...entry }), base);
});
