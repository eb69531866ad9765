import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { FastifyReply } from 'fastify';
import { AnswerBuffers } from './answer-buffers.ts';

/** A reply that keeps what it was sent, with a raw response that the test finishes or closes. */
function fakeReply() {
  const raw = new EventEmitter();
  const reply = { raw, sent: undefined as Buffer | string | undefined, send(payload: Buffer | string) { reply.sent = payload; return reply; } };
  return reply;
}
const send = (buffers: AnswerBuffers, pieces: (string | Buffer)[]) => {
  const reply = fakeReply();
  buffers.send(reply as unknown as FastifyReply, pieces);
  return reply;
};
const bytesOf = (sent: Buffer | string | undefined) => (typeof sent === 'string' ? Buffer.from(sent) : Buffer.from(sent!));

test('an answer is the UTF-8 of its pieces, text and bytes, one-byte and two-byte characters alike', () => {
  const buffers = new AnswerBuffers(1024, 4);
  const pieces = ['{"help":"h","result":{"tags":', Buffer.from('["停車場","car park"]'), ',"results":[{"title":"Café"}]}}'];
  const reply = send(buffers, pieces);
  assert.ok(Buffer.isBuffer(reply.sent));
  assert.deepEqual(bytesOf(reply.sent), Buffer.from(pieces.map(String).join('')));
});

test('a buffer is used again only after its answer has been written, and not after its connection closed first', () => {
  const buffers = new AnswerBuffers(1024, 4);
  const first = send(buffers, ['{"a":1}']);
  const second = send(buffers, ['{"b":2}']);
  assert.equal(buffers.made, 2, 'answers in flight at once each have their own buffer');
  assert.deepEqual(bytesOf(first.sent), Buffer.from('{"a":1}'), 'the second answer did not overwrite the first');
  first.raw.emit('finish');
  const third = send(buffers, ['{"c":3}']);
  assert.equal(buffers.made, 2, 'the first answer\'s buffer served the third');
  second.raw.emit('close');
  third.raw.emit('finish');
  send(buffers, ['{"d":4}']);
  send(buffers, ['{"e":5}']);
  assert.equal(buffers.made, 3, 'the closed connection\'s buffer (perhaps still in a pending write) was never handed out again');
});

test('an answer larger than a buffer is sent whole as text, and free buffers are kept up to their cap', () => {
  const buffers = new AnswerBuffers(64, 2);
  const big = ['{"x":"', 'y'.repeat(100), '","z":', Buffer.from('"停"'), '}'];
  const reply = send(buffers, big);
  assert.equal(reply.sent, big.map(String).join(''));
  assert.equal(buffers.made, 0);
  const replies = [0, 1, 2, 3].map(() => send(buffers, ['{}']));
  for (const r of replies) r.raw.emit('finish');
  assert.equal(buffers.free, 2);
});
