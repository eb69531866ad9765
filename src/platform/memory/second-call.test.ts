import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecondCall } from './second-call.ts';

test('a key is let in the second time it is seen, not the first, and forgotten once the window is full', () => {
  const second = new SecondCall(3);
  assert.equal(second.admit('en package_show [["id","a"],["_","1"]]'), false);
  assert.equal(second.admit('en package_show [["id","a"],["_","2"]]'), false);
  assert.equal(second.admit('en package_show [["id","a"],["_","1"]]'), true);
  second.admit('b');
  second.admit('c');
  assert.equal(second.admit('en package_show [["id","a"],["_","2"]]'), false, 'forgotten once the window is full');
});
