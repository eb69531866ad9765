import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';
import { buildDataset } from '../../test/support/opendata-factories.ts';
import { startTestS3, type TestS3 } from '../../test/support/s3.ts';
import { multipartForm } from '../../test/support/opendata-uploads.ts';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

// The portal with FILE_STORE=s3 against a real S3-compatible server: upload, ingest, download by range, replace.

let s3: TestS3;
let t: TestApp;
before(async () => {
  s3 = await startTestS3();
  t = await createTestApp(s3.config);
});
after(async () => {
  await t.close();
  await s3.close();
});

test('with FILE_STORE=s3 an upload is stored in the bucket, ingested, downloaded whole and by range, and replaced', async () => {
  const organisation = await buildOrganisation(t.db);
  const dataset = await buildDataset(t.db, { organisationId: organisation.id });
  const staff = await buildStaff(t.db, { organisationId: organisation.id, roles: ['officer'] });
  const officer = await signInStaff(t.app, staff.email, staff.password);
  const page = `/console/opendata/${dataset.id}`;
  const csv = 'district,population\nCentral and Western,235953\nWan Chai,166695\n';
  const uploaded = await officer.request(await multipartForm(officer, page, `${page}/uploads`, { nameEn: 'Population', nameZhHk: '人口', format: 'CSV' }, { name: 'population.csv', content: csv }));
  assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 300));

  const resource = (await t.app.inject({ method: 'GET', url: `/api/3/action/package_show?id=${dataset.name}` })).json().result.resources[0];
  const rows = (await t.app.inject({ method: 'GET', url: `/api/3/action/datastore_search?resource_id=${resource.id}` })).json().result;
  assert.equal(rows.total, 2);
  const download = `/opendata/download/${resource.id}/population.csv`;
  const whole = await t.app.inject({ method: 'GET', url: download });
  assert.equal(whole.statusCode, 200);
  assert.equal(whole.body, csv);
  const part = await t.app.inject({ method: 'GET', url: download, headers: { range: 'bytes=0-7' } });
  assert.equal(part.statusCode, 206);
  assert.equal(part.body, 'district');

  const replaced = await officer.request(await multipartForm(officer, page, `/console/opendata/resources/${resource.id}/file`, {}, { name: 'population.csv', content: `${csv}Eastern,555034\n` }));
  assert.equal(replaced.statusCode, 303);
  assert.match((await t.app.inject({ method: 'GET', url: download })).body, /Eastern/);
  const versions = await t.db.selectFrom('opendata_resource_versions').select('file_key').where('resource_id', '=', resource.id).execute();
  assert.equal(versions.length, 2, 'the first file is kept in the archive');
  const bucket = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  const keys = (await bucket.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents?.map((c) => c.Key).sort();
  assert.deepEqual(keys, versions.map((v) => v.file_key).sort(), 'both files are in the bucket');
  assert.deepEqual(await readdir(path.join(t.config.DATA_DIR, 'files')).catch(() => []), [], 'and none on local disk');
});
