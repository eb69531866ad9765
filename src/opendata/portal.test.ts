import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { withSampleOpenData } from '../../test/support/opendata-factories.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await withSampleOpenData(t);
});
after(async () => { await t.close(); });

const page = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...headers } });
const packageShow = async (name: string) => (await t.app.inject({ method: 'GET', url: `/api/3/action/package_show?id=${name}` })).json().result;

describe('public portal pages', () => {
  test('search by a Simplified Chinese word finds a Traditional title, with facets and no sign-in', async () => {
    const response = await page(`/opendata?q=${encodeURIComponent('停车场')}`, { 'accept-language': 'zh-HK' });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /停車場空置車位（樣本）/);
    assert.match(response.body, /找到 1 個資料集/);
    const facets = await page('/opendata?category=environment');
    assert.match(facets.body, /Air Quality Health Index \(sample\)/);
    assert.doesNotMatch(facets.body, /Car park vacancy/);
    const bad = await page('/opendata?page=0');
    assert.equal(bad.statusCode, 400);
    for (const odd of ['/opendata?category=%00', '/opendata?format=%00', '/opendata/datasets/%00']) assert.equal((await page(odd)).statusCode, 400, odd);
  });

  test('the dataset page lists resources with download links, archived versions and counts; the preview shows rows', async () => {
    const response = await page('/opendata/datasets/sample-air-quality-health-index');
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /aqhi-daily\.csv/);
    assert.match(response.body, /Archived versions/);
    const resource = (await packageShow('sample-air-quality-health-index')).resources[0];
    const preview = await page(`/opendata/resources/${resource.id}/preview`);
    assert.equal(preview.statusCode, 200);
    assert.match(preview.body, /Kwun Tong/);
    assert.match(preview.body, /The first 4 of 4 rows/);
    assert.equal((await page('/opendata/datasets/no-such-dataset')).statusCode, 404);
    assert.equal((await page('/opendata/resources/00000000-0000-4000-8000-000000000000/preview')).statusCode, 404);
  });

  test('the GeoJSON layer in HK1980 Grid is stored in WGS 84 with its source CRS recorded', async () => {
    const resource = (await packageShow('sample-survey-control-stations')).resources[0];
    const rows = (await t.app.inject({ method: 'GET', url: `/api/3/action/datastore_search?resource_id=${resource.id}` })).json().result.records;
    const [lon, lat] = rows[0].geometry.coordinates;
    assert.ok(lon > 114.1 && lon < 114.2 && lat > 22.2 && lat < 22.3, `${lon},${lat}`);
    const map = await page(`/opendata/resources/${resource.id}/preview`);
    assert.equal((map.body.match(/<circle /g) ?? []).length, 3, 'the map preview draws each station');
    assert.match(map.body, /role="img" aria-label="Map of Control stations \(WGS 84; source EPSG:2326\)"/);
    const row = await t.db.selectFrom('opendata_resources').select('source_crs').where('id', '=', resource.id).executeTakeFirstOrThrow();
    assert.equal(row.source_crs, 'EPSG:2326');
  });
});

describe('downloads', () => {
  test('a download streams with ETag, Last-Modified and Range, answers 304 and 416, and is counted', async () => {
    const resource = (await packageShow('sample-public-markets')).resources[0];
    const url = new URL(resource.url).pathname;
    const full = await t.app.inject({ method: 'GET', url });
    assert.equal(full.statusCode, 200);
    assert.match(full.body, /^market_id,/);
    assert.equal(full.headers.etag, `"${createHash('sha256').update(full.rawPayload).digest('hex')}"`);
    assert.ok(full.headers['last-modified']);
    assert.equal(Number(full.headers['content-length']), full.rawPayload.length);
    const part = await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=0-8' } });
    assert.equal(part.statusCode, 206);
    assert.equal(part.body, 'market_id');
    assert.equal(part.headers['content-range'], `bytes 0-8/${full.rawPayload.length}`);
    const tail = await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=-6' } });
    assert.equal(tail.body, full.rawPayload.subarray(-6).toString());
    const unsatisfiable = await t.app.inject({ method: 'GET', url, headers: { range: `bytes=${full.rawPayload.length + 10}-` } });
    assert.equal(unsatisfiable.statusCode, 416);
    const cached = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': full.headers.etag as string } });
    assert.equal(cached.statusCode, 304);
    const head = await t.app.inject({ method: 'HEAD', url });
    assert.equal(head.statusCode, 200);
    const datasetPage = await page('/opendata/datasets/sample-public-markets');
    assert.match(datasetPage.body, new RegExp(`data-resource="${resource.id}">2 / 2<`), 'the full download and the range from byte 0 count; 304, HEAD and tail ranges do not');
    assert.equal((await t.app.inject({ method: 'GET', url: '/opendata/download/00000000-0000-4000-8000-000000000000/x.csv' })).statusCode, 404);
  });
});

describe('historical archive API', () => {
  const today = () => {
    const hk = new Date(Date.now() + 8 * 3600_000).toISOString();
    return hk.slice(0, 10).replace(/-/g, '');
  };

  test('list-files, list-file-versions and get-file serve every archived version', async () => {
    const list = await t.app.inject({ method: 'GET', url: `/v1/historical-archive/list-files?start=20260101&end=${today()}&category=environment` });
    assert.equal(list.statusCode, 200);
    const files = list.json().files;
    assert.equal(list.json()['file-count'], 1);
    assert.equal(files[0]['num-of-versions'], 4);
    const versions = await t.app.inject({ method: 'GET', url: `/v1/historical-archive/list-file-versions?url=${encodeURIComponent(files[0].url)}&start=20260101&end=${today()}` });
    assert.equal(versions.statusCode, 200);
    const timestamps: string[] = versions.json().timestamps;
    assert.equal(timestamps.length, 4);
    assert.ok(timestamps.every((s) => /^\d{8}-\d{4}$/.test(s)));
    const oldest = await t.app.inject({ method: 'GET', url: `/v1/historical-archive/get-file?url=${encodeURIComponent(files[0].url)}&time=${timestamps[0]}` });
    assert.equal(oldest.statusCode, 200);
    assert.match(oldest.body, /2026-11-21/);
    const newest = await t.app.inject({ method: 'GET', url: `/v1/historical-archive/get-file?url=${encodeURIComponent(files[0].url)}&time=${timestamps[3]}` });
    assert.match(newest.body, /2026-11-24/);
    const byProvider = await t.app.inject({ method: 'GET', url: `/v1/historical-archive/list-files?start=20260101&end=${today()}&provider=hk-td&format=CSV` });
    assert.equal(byProvider.json().files[0]['dataset-name-en'], 'Car park vacancy (sample)');
  });

  test('bad parameters are answered 400 with a list of errors; an unknown version 404', async () => {
    const noStart = await t.app.inject({ method: 'GET', url: '/v1/historical-archive/list-files?end=20261231' });
    assert.equal(noStart.statusCode, 400);
    assert.equal(noStart.json()[0].parameter, 'start');
    const badDate = await t.app.inject({ method: 'GET', url: '/v1/historical-archive/list-files?start=20261340&end=20261231' });
    assert.equal(badDate.statusCode, 400);
    const badUrl = await t.app.inject({ method: 'GET', url: '/v1/historical-archive/list-file-versions?url=https://elsewhere.example/x.csv&start=20260101&end=20261231' });
    assert.equal(badUrl.statusCode, 400);
    assert.equal(badUrl.json()[0].parameter, 'url');
    const resource = (await packageShow('sample-public-markets')).resources[0];
    const badTime = await t.app.inject({ method: 'GET', url: `/v1/historical-archive/get-file?url=${encodeURIComponent(resource.url)}&time=2026-01-01` });
    assert.equal(badTime.statusCode, 400);
    const noVersion = await t.app.inject({ method: 'GET', url: `/v1/historical-archive/get-file?url=${encodeURIComponent(resource.url)}&time=20200101-0000` });
    assert.equal(noVersion.statusCode, 404);
  });
});
