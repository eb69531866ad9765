import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type Client, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, signedInStaff } from '../../test/support/factories.ts';
import { buildDataset } from '../../test/support/opendata-factories.ts';
import { multipartForm } from '../../test/support/opendata-uploads.ts';

// JSON, XML and GeoJSON resources, uploaded through the console like any file: tables among them are queried with
// datastore_search like CSV; the rest are published for download only, and the page says so.

let t: TestApp;
let officer: Client;
let organisationId: string;
before(async () => {
  t = await createTestApp();
  organisationId = (await buildOrganisation(t.db)).id;
  officer = await signedInStaff(t, organisationId, ['officer']);
});
after(async () => { await t.close(); });

/** Uploads `content` as a new resource of a new dataset; answers the response, the resource, and its rows (if any). */
async function publish(format: 'JSON' | 'XML' | 'GeoJSON', fileName: string, content: string) {
  const dataset = await buildDataset(t.db, { organisationId });
  const page = `/console/opendata/${dataset.id}`;
  const response = await officer.request(await multipartForm(officer, page, `${page}/uploads`, { nameEn: 'Records', nameZhHk: '記錄', format }, { name: fileName, content }));
  const resource = (await t.app.inject({ method: 'GET', url: `/api/3/action/package_show?id=${dataset.name}` })).json().result.resources[0];
  const confirmation = response.statusCode === 303 ? await officer.get(response.headers.location as string) : undefined;
  return { response, resource, confirmation: confirmation?.body ?? '' };
}
const search = async (query: string) => (await t.app.inject({ method: 'GET', url: `/api/3/action/datastore_search?${query}` })).json();

describe('JSON resources', () => {
  test('an array of flat objects becomes rows, typed, that filters and full-text search find', async () => {
    const stations = [
      { station: 'Central', district: '中西區', aqhi: 3, open: true },
      { station: 'Sha Tin', district: '沙田', aqhi: 5, open: false },
      { station: 'Tung Chung', district: '離島', aqhi: null, open: true },
    ];
    const { response, resource, confirmation } = await publish('JSON', 'stations.json', `\uFEFF\n  ${JSON.stringify(stations, null, 2)}`);
    assert.equal(response.statusCode, 303);
    assert.equal(resource.datastore_active, true);
    assert.match(confirmation, /3 rows can be queried/);
    const all = await search(`resource_id=${resource.id}`);
    assert.equal(all.result.total, 3);
    assert.deepEqual(all.result.fields.filter((f: { id: string }) => f.id !== '_id'), [{ id: 'station', type: 'text' }, { id: 'district', type: 'text' }, { id: 'aqhi', type: 'numeric' }, { id: 'open', type: 'text' }]);
    const shaTin = await search(`resource_id=${resource.id}&filters=${encodeURIComponent(JSON.stringify({ district: '沙田' }))}`);
    assert.deepEqual(shaTin.result.records.map((r: { station: string }) => r.station), ['Sha Tin']);
    assert.equal((await search(`resource_id=${resource.id}&q=Tung`)).result.total, 1);
  });

  test('an object holding one array of flat objects (beside metadata) becomes rows', async () => {
    const document = { meta: { source: 'Sample', generated: '2026-11-24', links: [{ rel: 'self', href: { path: '/x' } }] }, tags: ['air', 'sample'], records: [{ id: 1, name: 'A' }, { id: 2, name: 'B' }] };
    const { response, resource } = await publish('JSON', 'records.json', JSON.stringify(document));
    assert.equal(response.statusCode, 303);
    assert.equal((await search(`resource_id=${resource.id}`)).result.total, 2);
  });

  test('nested objects, two arrays or a lone object are published for download, not ingested, and the page says so', async () => {
    for (const content of [
      JSON.stringify([{ id: 1, address: { street: 'Queen’s Road' } }]),
      JSON.stringify({ buses: [{ id: 1 }], ferries: [{ id: 2 }] }),
      JSON.stringify({ id: 1, name: 'only one object' }),
      '[1, 2, 3]',
    ]) {
      const { response, resource, confirmation } = await publish('JSON', 'data.json', content);
      assert.equal(response.statusCode, 303, content);
      assert.equal(resource.datastore_active, false, content);
      assert.match(confirmation, /Published for download only: the content is not a table/);
      assert.equal((await search(`resource_id=${resource.id}`)).success, false);
      const download = await t.app.inject({ method: 'GET', url: `/opendata/download/${resource.id}/data.json` });
      assert.equal(download.body, content, 'the file itself is published whole');
    }
  });

  test('properties named like Object’s own (__proto__, constructor, toString) are columns like any other', async () => {
    const records = '[{"__proto__": "a", "constructor": 1, "toString": "t"}, {"__proto__": "b", "constructor": 2, "toString": "u"}]';
    const { response, resource } = await publish('JSON', 'names.json', records);
    assert.equal(response.statusCode, 303);
    assert.equal(resource.datastore_active, true);
    const all = await search(`resource_id=${resource.id}`);
    assert.deepEqual(all.result.fields.filter((f: { id: string }) => f.id !== '_id'), [{ id: '__proto__', type: 'text' }, { id: 'constructor', type: 'numeric' }, { id: 'toString', type: 'text' }]);
    const rows = await t.db.selectFrom('opendata_rows').select('data').where('resource_id', '=', resource.id).orderBy('row_no').execute();
    assert.deepEqual(rows.map((r) => r.data), JSON.parse(records)); // JSON.parse, as an object literal would take __proto__ for the prototype
    // An object under "__proto__" is a nested object, not a prototype to ignore: not a table.
    const nested = await publish('JSON', 'nested.json', '[{"id": 1, "__proto__": {"id": 2}}, {"id": 3}]');
    assert.equal(nested.resource.datastore_active, false);
  });

  test('100,000 nested arrays are published for download, not ingested', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const { response, resource, confirmation } = await publish('JSON', 'deep.json', deep);
    assert.equal(response.statusCode, 303);
    assert.equal(resource.datastore_active, false);
    assert.match(confirmation, /Published for download only: the content is not a table/);
  });

  test('a file that is not valid JSON is refused and nothing is published', async () => {
    const { response, resource } = await publish('JSON', 'broken.json', '[{"id": 1}, {"id": ');
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /not valid JSON/);
    assert.equal(resource, undefined);
  });
});

describe('XML resources', () => {
  test('repeated record elements become rows: child elements and the record’s attributes are the fields', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<response>
  <header><generated>2026-11-24T10:00:00+08:00</generated><source>Sample</source></header>
  <stations>
    <station code="CW"><name>Central &amp; Western</name><district>中西區</district><aqhi>3</aqhi></station>
    <station code="ST"><name><![CDATA[Sha Tin <East>]]></name><district>沙田</district><aqhi>5</aqhi></station>
    <station code="TC"><name>Tung Chung</name><district>離島</district><aqhi></aqhi></station>
  </stations>
</response>`;
    const { response, resource, confirmation } = await publish('XML', 'stations.xml', xml);
    assert.equal(response.statusCode, 303, response.body.slice(0, 400));
    assert.match(confirmation, /3 rows can be queried/);
    const all = await search(`resource_id=${resource.id}`);
    assert.equal(all.result.total, 3);
    assert.deepEqual(all.result.fields.filter((f: { id: string }) => f.id !== '_id'), [{ id: 'code', type: 'text' }, { id: 'name', type: 'text' }, { id: 'district', type: 'text' }, { id: 'aqhi', type: 'numeric' }]);
    assert.deepEqual(all.result.records.map((r: { name: string }) => r.name), ['Central & Western', 'Sha Tin <East>', 'Tung Chung']);
    const shaTin = await search(`resource_id=${resource.id}&filters=${encodeURIComponent(JSON.stringify({ code: 'ST' }))}`);
    assert.equal(shaTin.result.records[0].district, '沙田');
  });

  test('entities of a DTD are never expanded: such a file is published, not ingested', async () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE rows [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<rows><row><value>&c;</value></row><row><value>&secret;</value></row></rows>`;
    const { response, resource, confirmation } = await publish('XML', 'entities.xml', bomb);
    assert.equal(response.statusCode, 303);
    assert.equal(resource.datastore_active, false);
    assert.match(confirmation, /Published for download only/);
    const rows = await t.db.selectFrom('opendata_rows').select('data').where('resource_id', '=', resource.id).execute();
    assert.deepEqual(rows, []);
  });

  test('a document without repeated records is published, not ingested; one that is not well-formed is refused', async () => {
    const prose = '<doc><section><p>One</p><p>Two</p></section><section><title>x</title><list><item>a</item></list></section></doc>';
    const { response, resource } = await publish('XML', 'prose.xml', prose);
    assert.equal(response.statusCode, 303);
    assert.equal(resource.datastore_active, false);
    const broken = await publish('XML', 'broken.xml', '<rows><row><a>1</a></row><row><a>2</b></row></rows>');
    assert.equal(broken.response.statusCode, 400);
    assert.match(broken.response.body, /not well-formed/);
    assert.equal(broken.resource, undefined);
  });

  test('fields and attributes named like Object’s own (__proto__, constructor, toString) are columns like any other', async () => {
    const row = (n: number) => `<row hasOwnProperty="h${n}"><constructor>${n}</constructor><toString>t${n}</toString><__proto__>p${n}</__proto__></row>`;
    const { response, resource } = await publish('XML', 'names.xml', `<rows>${row(1)}${row(2)}</rows>`);
    assert.equal(response.statusCode, 303);
    assert.equal(resource.datastore_active, true, 'a field named constructor or toString is no repeated field');
    const all = await search(`resource_id=${resource.id}`);
    assert.deepEqual(all.result.fields.filter((f: { id: string }) => f.id !== '_id'), [{ id: 'hasOwnProperty', type: 'text' }, { id: 'constructor', type: 'numeric' }, { id: 'toString', type: 'text' }, { id: '__proto__', type: 'text' }]);
    const rows = await t.db.selectFrom('opendata_rows').select('data').where('resource_id', '=', resource.id).orderBy('row_no').execute();
    assert.deepEqual(rows.map((r) => r.data), [1, 2].map((n) => JSON.parse(`{"hasOwnProperty": "h${n}", "constructor": "${n}", "toString": "t${n}", "__proto__": "p${n}"}`)));
  });

  test('records up to 64 elements deep are a table; deeper nesting, up to 100,000 levels, is published but not ingested', async () => {
    const records = '<row><a>1</a></row><row><a>2</a></row>';
    const nested = (levels: number, inner: string) => `${'<w>'.repeat(levels)}${inner}${'</w>'.repeat(levels)}`;
    const shallow = await publish('XML', 'shallow.xml', nested(62, records)); // the fields are the 64th element down
    assert.equal(shallow.resource.datastore_active, true);
    assert.equal((await search(`resource_id=${shallow.resource.id}`)).result.total, 2);
    const deeper = await publish('XML', 'deeper.xml', nested(63, records));
    assert.equal(deeper.response.statusCode, 303);
    assert.equal(deeper.resource.datastore_active, false);
    assert.match(deeper.confirmation, /Published for download only/);
    const deepest = await publish('XML', 'deepest.xml', nested(100_000, records));
    assert.equal(deepest.response.statusCode, 303);
    assert.equal(deepest.resource.datastore_active, false);
    // Beyond the cap the file is still read to the end: one that is not well-formed is refused.
    const broken = await publish('XML', 'broken-deep.xml', `${nested(100, records)}</w>`);
    assert.equal(broken.response.statusCode, 400);
    assert.match(broken.response.body, /not well-formed/);
  });
});

describe('GeoJSON resources', () => {
  test('each property is typed over every feature, whatever its name, also when each feature has its own', async () => {
    const point = { type: 'Point', coordinates: [114.17, 22.3] };
    const features = Array.from({ length: 3_000 }, (_, i) => ({ type: 'Feature', geometry: point, properties: { [`p${i}`]: i } }));
    features[0]!.properties = { constructor: 1, toString: 2 }; // the other features have no such property: empty, not Object’s
    const { response, resource } = await publish('GeoJSON', 'points.geojson', JSON.stringify({ type: 'FeatureCollection', features }));
    assert.equal(response.statusCode, 303, response.body.slice(0, 400));
    const fields = (await search(`resource_id=${resource.id}&limit=0`)).result.fields as { id: string; type: string }[];
    assert.equal(fields.length, 1 + 2 + 2_999 + 1, '_id, the properties, geometry');
    assert.deepEqual(fields.slice(1, 4), [{ id: 'constructor', type: 'numeric' }, { id: 'toString', type: 'numeric' }, { id: 'p1', type: 'numeric' }]);
    assert.ok(fields.slice(1, -1).every((f) => f.type === 'numeric'));
  });

  test('a feature nested deeper than any geometry (100,000 levels) is refused, not a server error', async () => {
    const coordinates = `${'['.repeat(100_000)}114.17,22.3${']'.repeat(100_000)}`;
    const collection = `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":${coordinates}}}]}`;
    const { response, resource } = await publish('GeoJSON', 'deep.geojson', collection);
    assert.equal(response.statusCode, 400, response.body.slice(0, 400));
    assert.match(response.body, /nested too deeply/);
    assert.equal(resource, undefined);
  });
});
