import type { FastifyReply } from 'fastify';

// CKAN answers copied from their pieces into buffers that are used again once the answer has been written, rather than
// joined into a new 20-40 kB text per call. A joined text is garbage as soon as it is sent, and with one piece in
// two-byte characters (a Chinese facet value) the whole text is two bytes a character, which Node must transcode to
// count and write (~50 µs a call for 25 kB, against ~4 µs for one-byte text). A new Buffer per answer is no better:
// its memory is outside V8's heap, and one per call made V8 run a full mark-compact about every second under load.

/** Bytes of one buffer: a page of up to about twenty datasets. Larger answers are sent as text, as before. */
export const ANSWER_BUFFER_BYTES = 64 * 1024;
/** Free buffers kept for the next answers: about one per connection in flight. */
export const FREE_ANSWER_BUFFERS = 64;

export type JsonPieces = (string | Buffer)[];

export class AnswerBuffers {
  readonly #free: Buffer[] = [];
  /** Buffers made since start: stays near the number of answers in flight at once. */
  made = 0;

  constructor(readonly bytes = ANSWER_BUFFER_BYTES, readonly keep = FREE_ANSWER_BUFFERS) {}

  get free(): number { return this.#free.length; }

  /** Sends `pieces` as one answer: copied into a free buffer that comes back once the answer is written. */
  send(reply: FastifyReply, pieces: JsonPieces): FastifyReply {
    let length = 0;
    for (const piece of pieces) length += typeof piece === 'string' ? Buffer.byteLength(piece) : piece.length;
    if (length > this.bytes) return reply.send(pieces.map((piece) => (typeof piece === 'string' ? piece : piece.toString())).join(''));
    const buffer = this.#free.pop() ?? this.#make();
    let at = 0;
    for (const piece of pieces) at += typeof piece === 'string' ? buffer.write(piece, at) : piece.copy(buffer, at);
    // 'finish' comes after the socket has taken the last byte. A connection closed before that may still hold the
    // buffer in a pending write: that buffer is left to the garbage collector, never used again.
    reply.raw.once('finish', () => {
      if (this.#free.length < this.keep) this.#free.push(buffer);
    });
    return reply.send(buffer.subarray(0, at));
  }

  #make(): Buffer {
    this.made++;
    return Buffer.allocUnsafeSlow(this.bytes);
  }
}

/** The pieces as one Buffer of their own (for an answer kept by the answer cache). */
export const encodePieces = (pieces: JsonPieces) => Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
