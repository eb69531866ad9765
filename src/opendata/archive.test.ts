import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archiveTimestamp, hongKongDay, isArchiveTimestamp, resourceIdFromUrl } from './archive.ts';

test('archive timestamps are Hong Kong time, YYYYMMDD-HHMM', () => {
  assert.equal(archiveTimestamp(new Date('2026-11-23T16:05:00Z')), '20261124-0005');
  assert.equal(hongKongDay('20261124')?.toISOString(), '2026-11-23T16:00:00.000Z');
  assert.equal(hongKongDay('20260230'), undefined, 'no 30 February');
  assert.equal(isArchiveTimestamp('20261124-0930'), true);
  assert.equal(isArchiveTimestamp('2026-11-24'), false);
});

test('only this portal\'s download addresses name a resource', () => {
  const id = '7404033e-60c4-4709-966a-3ed431621d17';
  assert.equal(resourceIdFromUrl(`https://data.example.gov.hk/opendata/download/${id}/a.csv`), id);
  assert.equal(resourceIdFromUrl('https://elsewhere.example/a.csv'), undefined);
});
