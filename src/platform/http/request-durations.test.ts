import { test } from 'node:test';
import assert from 'node:assert/strict';
import client from 'prom-client';
import { RequestDurations } from './request-durations.ts';

test('request durations read exactly as prom-client\'s own histogram with the same observations', async () => {
  const ours = new client.Registry();
  const theirs = new client.Registry();
  const durations = new RequestDurations(ours);
  const histogram = new client.Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request duration by route and status', labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [theirs],
  });
  const observations: [string, string, number, number][] = [
    ['GET', '/api/3/action/:name', 200, 0.0004], ['GET', '/api/3/action/:name', 200, 0.005], ['GET', '/api/3/action/:name', 200, 0.7],
    ['GET', '/api/3/action/:name', 404, 0.02], ['POST', '/oidc/token', 200, 9], ['GET', 'unmatched', 404, 0.001], ['GET', 'a "quoted" \\ route', 200, 2.5],
  ];
  for (const [method, route, status, seconds] of observations) {
    durations.observe(method, route, status, seconds);
    histogram.observe({ method, route, status: String(status) }, seconds);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
  assert.match(await ours.metrics(), /http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/api\/3\/action\/:name",status="200"\} 2/);
});

test('no requests yet: the metric is declared with no series', async () => {
  const registry = new client.Registry();
  new RequestDurations(registry);
  assert.equal(await registry.metrics(), '# HELP http_request_duration_seconds HTTP request duration by route and status\n# TYPE http_request_duration_seconds histogram\n');
});
