import { systemContext } from '../src/platform/context.ts';
import { generateServices } from '../src/services/index.ts';
import { load, type Benchmark } from './harness.ts';

// Catalogue search with the paper's ~1,480 services; baseline: a published service by its address (primary-key-like lookup).
const services: Benchmark = async ({ url, db, seconds }) => {
  await generateServices(db, systemContext('bench'), 1480);
  const baseline = await load(`${url}/api/v1/services/renew-driving-licence`, { seconds });
  const rows = [{ group: 'service catalogue (1,480 services)', name: 'baseline: GET /api/v1/services/{slug}', ...baseline, ratio: 1 }];
  for (const [name, query] of [
    ['search, English words', 'q=driving%20licence'],
    ['search, Traditional Chinese', `q=${encodeURIComponent('駕駛執照')}`],
    ['search, Simplified Chinese, one topic', `q=${encodeURIComponent('驾驶执照')}&category=transport`],
    ['browse one topic, page 3', 'category=food&offset=40'],
  ] as const) {
    const measured = await load(`${url}/api/v1/services?${query}`, { seconds });
    rows.push({ group: 'service catalogue (1,480 services)', name: `${name} (target p99 ≤ 20 ms)`, ...measured, ratio: measured.rate / baseline.rate });
  }
  // The cases above repeat one query, answered from the cache after the first request. Here every request is new to the
  // cache (more distinct pages than it holds, asked in turn): the cost of a search the database answers.
  const paths = ['q=driving%20licence', `q=${encodeURIComponent('駕駛執照')}`, 'category=food', 'category=transport']
    .flatMap((query) => Array.from({ length: 100 }, (_, offset) => `/api/v1/services?${query}&offset=${offset}`));
  const uncached = await load(url, { seconds, paths });
  rows.push({ group: 'service catalogue (1,480 services)', name: 'search and browse, every request a different page (uncached; 400 pages)', ...uncached, ratio: uncached.rate / baseline.rate });
  return rows;
};
export default services;
