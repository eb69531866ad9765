import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchDocument, searchQuery, searchWords } from './search-text.ts';
import { formatMismatch } from './content-check.ts';
import { crsOf } from './spatial.ts';

test('Chinese is segmented and folded to Simplified; English is lowercased', () => {
  assert.deepEqual(searchWords('停車場 Car-Park'), ['停车', '车场', '停车场', 'car', 'park']);
  assert.equal(searchQuery('停車場'), searchQuery('停车场'), 'both scripts give the same query');
  assert.equal(searchQuery('!!!'), undefined);
  assert.match(searchDocument(['空氣質素', 'air quality']), /空气/);
});

test('declared formats are checked against the first bytes', () => {
  assert.equal(formatMismatch('CSV', Buffer.from('a,b\n1,2\n')), undefined);
  assert.equal(formatMismatch('CSV', Buffer.from('%PDF-1.7\u0000')), 'notCsv');
  assert.equal(formatMismatch('CSV', Buffer.from('{"a":1}')), 'csvLooksStructured');
  assert.equal(formatMismatch('PDF', Buffer.from('%PDF-1.7')), undefined);
  assert.equal(formatMismatch('XLSX', Buffer.from('PK\u0003\u0004rest', 'latin1')), undefined);
  assert.equal(formatMismatch('GeoJSON', Buffer.from('\uFEFF {"type":"FeatureCollection"}')), undefined);
  assert.equal(formatMismatch('XML', Buffer.from('not xml')), 'notXml');
  assert.equal(formatMismatch('JSON', Buffer.alloc(0)), 'empty');
  // A multi-byte character cut at the end of the sample is still text.
  assert.equal(formatMismatch('CSV', Buffer.from('名稱,地區\n', 'utf8').subarray(0, 8)), undefined);
});

test('GeoJSON coordinate reference systems', () => {
  assert.equal(crsOf({}), 'EPSG:4326');
  assert.equal(crsOf({ crs: { properties: { name: 'urn:ogc:def:crs:EPSG::2326' } } }), 'EPSG:2326');
  assert.equal(crsOf({ crs: { properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } } }), 'EPSG:4326');
  assert.equal(crsOf({ crs: { properties: { name: 'EPSG:3857' } } }), undefined);
});
