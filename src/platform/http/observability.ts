import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { sql } from 'kysely';
import client from 'prom-client';
import type { Db } from '../db/database.ts';
import { RequestDurations } from './request-durations.ts';

/** The process's metrics and every request's duration, on every route of `app` and of the scopes registered in it after this. */
export function registerMetrics(app: FastifyInstance): client.Registry {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const durations = new RequestDurations(registry);
  app.addHook('onResponse', (request, reply, done) => {
    durations.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  return registry;
}

/** /healthz (the process is up), /readyz (it can reach its database) and Prometheus /metrics (`registry`). */
export function registerObservability(app: FastifyInstance, registry: client.Registry, db: Db): void {
  const Health = Type.Object({ status: Type.String() });
  app.get('/healthz', { schema: { hide: true, response: { 200: Health } }, config: { rateLimit: false } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true, response: { 200: Health, 503: Health } }, config: { rateLimit: false } }, async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(db);
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'database unreachable' });
    }
  });
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
