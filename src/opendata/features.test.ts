import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { withSampleOpenData } from '../../test/support/opendata-factories.ts';

let t: TestApp;
before(async () => {
  t = await createTestApp();
  await withSampleOpenData(t);
});
after(async () => { await t.close(); });

const get = (url: string) => t.app.inject({ method: 'GET', url });
const resourceOf = async (name: string) => (await get(`/api/3/action/package_show?id=${name}`)).json().result.resources[0];

describe('OGC API – Features', () => {
  test('the HK1980 Grid layer is a collection served in WGS 84, with bbox and paging links', async () => {
    const landing = await get('/ogc');
    assert.equal(landing.statusCode, 200);
    assert.ok((await get('/ogc/conformance')).json().conformsTo.length >= 2);
    const collections = (await get('/ogc/collections')).json().collections;
    assert.equal(collections.length, 1);
    const [collection] = collections;
    assert.equal(collection.sourceCrs, 'EPSG:2326');
    const [minX, minY, maxX, maxY] = collection.extent.spatial.bbox[0];
    assert.ok(minX > 114 && maxX < 114.3 && minY > 22.2 && maxY < 22.5, collection.extent.spatial.bbox[0].join(','));

    const first = await get(`/ogc/collections/${collection.id}/items?limit=2`);
    assert.equal(first.statusCode, 200);
    assert.match(first.headers['content-type'] as string, /^application\/geo\+json/);
    const page = first.json();
    assert.equal(page.numberMatched, 3);
    assert.equal(page.numberReturned, 2);
    const next = page.links.find((l: { rel: string }) => l.rel === 'next');
    assert.match(next.href, /offset=2/);
    const second = (await get(new URL(next.href).pathname + new URL(next.href).search)).json();
    assert.equal(second.numberReturned, 1);
    assert.equal(second.links.some((l: { rel: string }) => l.rel === 'next'), false);

    // Victoria Peak (sample) lies south-west of Lion Rock: a box around Hong Kong Island finds only it.
    const island = (await get(`/ogc/collections/${collection.id}/items?bbox=114.10,22.24,114.20,22.29`)).json();
    assert.deepEqual(island.features.map((f: { properties: { station_id: string } }) => f.properties.station_id), ['LS-S-001']);
    const feature = (await get(`/ogc/collections/${collection.id}/items/1`)).json();
    assert.equal(feature.geometry.type, 'Point');
  });

  test('bad input and unknown collections get OGC exceptions', async () => {
    const collection = (await get('/ogc/collections')).json().collections[0];
    const badBbox = await get(`/ogc/collections/${collection.id}/items?bbox=1,2,3`);
    assert.equal(badBbox.statusCode, 400);
    assert.equal(badBbox.json().code, 'InvalidParameterValue');
    assert.equal((await get(`/ogc/collections/${collection.id}/items?limit=-1`)).statusCode, 400);
    assert.equal((await get('/ogc/collections/not-a-collection')).statusCode, 404);
    const csv = await resourceOf('sample-public-markets');
    assert.equal((await get(`/ogc/collections/${csv.id}/items`)).statusCode, 404, 'a CSV is not a spatial collection');
    assert.equal((await get(`/ogc/collections/${collection.id}/items/99`)).statusCode, 404);
  });
});

describe('data filter API', () => {
  test('filters with eq and ct on 1-based columns, sorted, as a JSON array', async () => {
    const resource = await resourceOf('sample-air-quality-health-index');
    const q = { resource: resource.url, section: 1, format: 'json', sorts: [[4, 'desc']], filters: [[5, 'eq', ['Moderate']]] };
    const response = await get(`/v2/filter?q=${encodeURIComponent(JSON.stringify(q))}`);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json().map((r: { station: string }) => r.station), ['Yuen Long', 'Kwun Tong']);
    const contains = await get(`/v2/filter?q=${encodeURIComponent(JSON.stringify({ resource: resource.url, section: 1, format: 'json', filters: [[2, 'ct', ['涌']]] }))}`);
    assert.deepEqual(contains.json().map((r: { station: string }) => r.station), ['Tung Chung']);
  });

  test('bad queries are answered 400 with a message', async () => {
    const resource = await resourceOf('sample-air-quality-health-index');
    const cases = [
      '',
      'not json',
      JSON.stringify({ resource: 'https://elsewhere.example/a.csv' }),
      JSON.stringify({ resource: resource.url, filters: [[9, 'eq', ['x']]] }),
      JSON.stringify({ resource: resource.url, filters: [[1, 'gt', ['x']]] }),
      JSON.stringify({ resource: resource.url, sorts: [[1, 'sideways']] }),
      JSON.stringify({ resource: resource.url, section: 2 }),
    ];
    for (const q of cases) {
      const response = await get(`/v2/filter?q=${encodeURIComponent(q)}`);
      assert.equal(response.statusCode, 400, q);
      assert.equal(typeof response.json().error, 'string');
    }
  });
});

describe('DCAT', () => {
  test('the catalogue pages as JSON-LD and Turtle, and each dataset has its own JSON-LD', async () => {
    const catalogue = await get('/opendata/catalog.jsonld');
    assert.equal(catalogue.statusCode, 200);
    assert.match(catalogue.headers['content-type'] as string, /^application\/ld\+json/);
    const graph = catalogue.json()['@graph'];
    assert.equal(graph[0]['@type'], 'dcat:Catalog');
    assert.equal(graph[1]['hydra:totalItems'], 4);
    const datasets = graph.filter((n: { '@type': string }) => n['@type'] === 'dcat:Dataset');
    assert.equal(datasets.length, 4);
    const markets = datasets.find((d: { '@id': string }) => d['@id'].endsWith('/sample-public-markets'));
    assert.ok(markets['dct:title'].some((t: { '@language': string; '@value': string }) => t['@language'] === 'zh-HK' && t['@value'] === '公眾街市（樣本）'));
    assert.match(markets['dcat:distribution'][0]['dcat:downloadURL']['@id'], /\/opendata\/download\//);
    const turtle = await get('/opendata/catalog.ttl?page=1');
    assert.match(turtle.headers['content-type'] as string, /^text\/turtle/);
    assert.match(turtle.body, /@prefix dcat: <http:\/\/www\.w3\.org\/ns\/dcat#> \./);
    assert.match(turtle.body, /a dcat:Dataset/);
    assert.match(turtle.body, /"公眾街市（樣本）"@zh-HK/);
    const one = await get('/opendata/datasets/sample-public-markets/dcat.jsonld');
    assert.equal(one.json()['@type'], 'dcat:Dataset');
    assert.equal((await get('/opendata/datasets/nothing-here/dcat.jsonld')).statusCode, 404);
    assert.equal((await get('/opendata/catalog.jsonld?page=0')).statusCode, 400);
  });
});

describe('odd input', () => {
  test('never gets a 500 from any open data API', async () => {
    const resource = await resourceOf('sample-air-quality-health-index');
    const urls = [
      '/api/3/action/package_search?rows=-1', '/api/3/action/package_search?start=99999999999999999999', '/api/3/action/package_search?fq=organization:',
      '/api/3/action/package_search?facet.field=%5Bbad', '/api/3/action/package_search?q=%27%22%5C%3B--', '/api/3/action/package_search?fq=tags:%22unclosed',
      '/api/3/action/package_show?id=..%2F..%2Fetc', '/api/3/action/package_list?limit=99999999999999999999',
      `/api/3/action/datastore_search?resource_id=${resource.id}&sort=aqhi%20desc;drop`, `/api/3/action/datastore_search?resource_id=${resource.id}&limit=abc`,
      `/api/3/action/datastore_search?resource_id=${resource.id}&q=%25_%5C`, `/api/3/action/datastore_search?resource_id=${resource.id}&fields=%5B1,2`,
      '/api/3/action/resource_show?id=not-a-uuid', '/api/3/action/organization_show?id=', '/api/3/action/group_show?id=nope',
      '/v1/historical-archive/list-files?start=20260101&end=20261231&max=99999999999999999999&skip=-1',
      '/v1/historical-archive/get-file?url=&time=', '/v2/filter?q=%7B%22resource%22%3A5%7D', '/v2/filter?q=%5B%5D',
      '/ogc/collections/%00/items', '/ogc/collections/x/items?bbox=a,b,c,d', '/opendata?q=%00', '/opendata/catalog.ttl?page=99999',
      '/opendata/download/not-a-uuid/x', '/opendata/datasets/%F0%9F%98%80',
      `/api/3/action/datastore_search?resource_id=${resource.id}&q=%00`, `/api/3/action/datastore_search?resource_id=${resource.id}&filters=%7B%22station%22%3A%22%5Cu0000%22%7D`,
      '/api/3/action/package_show?id=%00', '/api/3/action/tag_list?query=%00', '/v1/historical-archive/list-files?start=20260101&end=20261231&search=%00',
      `/v2/filter?q=${encodeURIComponent(JSON.stringify({ resource: resource.url, filters: [[1, 'ct', ['\u0000']]] }))}`, '/ogc/collections/%00',
    ];
    for (const url of urls) {
      const response = await get(url);
      assert.ok(response.statusCode < 500, `${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
    }
  });
});
