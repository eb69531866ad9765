import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { RequestLogger, requestLogger } from './request-logger.ts';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { logger: pino({ level }, stream), lines };
}

test('a line at a level the logger writes carries the request id, as pino\'s child would; below it, no child is made', () => {
  const { logger, lines } = capture('info');
  let children = 0;
  const parent = Object.assign(Object.create(logger), { child: (...args: Parameters<typeof logger.child>) => { children++; return logger.child(...args); } });
  const log = new RequestLogger(parent, { reqId: 'req-1' }, {});
  log.debug('not written');
  log.trace({ a: 1 }, 'not written');
  assert.equal(children, 0);
  assert.equal(log.level, 'info');
  log.info({ a: 1 }, 'written');
  log.error(new Error('boom'));
  assert.equal(children, 1, 'one child, made once');
  assert.deepEqual(lines.map((l) => [l.reqId, l.level, l.msg]), [['req-1', 30, 'written'], ['req-1', 50, 'boom']]);
  assert.equal(lines[0]!.a, 1);
  log.child({ step: 'two' }).warn('from a child');
  assert.deepEqual([lines[2]!.reqId, lines[2]!.step], ['req-1', 'two']);
});

test('through Fastify: request logging keeps its lines and request ids; a silent logger writes none', async () => {
  const { logger, lines } = capture('info');
  const app = Fastify({ loggerInstance: logger, childLoggerFactory: requestLogger, genReqId: () => 'req-2' });
  app.get('/', async (request) => {
    request.log.info('in the handler');
    return { ok: true };
  });
  assert.equal((await app.inject('/')).statusCode, 200);
  assert.deepEqual(lines.map((l) => [l.reqId, l.msg]), [['req-2', 'incoming request'], ['req-2', 'in the handler'], ['req-2', 'request completed']]);
  await app.close();

  const quiet = capture('silent');
  const silent = Fastify({ loggerInstance: quiet.logger, childLoggerFactory: requestLogger });
  silent.get('/', async (request) => {
    request.log.error('not written');
    return { ok: true };
  });
  assert.equal((await silent.inject('/')).statusCode, 200);
  assert.equal(quiet.lines.length, 0);
  await silent.close();
});
