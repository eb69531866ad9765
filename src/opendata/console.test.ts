import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, createTestApp, signInStaff, type TestApp } from '../../test/support/app.ts';
import { multipartForm } from '../../test/support/opendata-uploads.ts';
import { halfSendMultipart, multipartBody } from '../../test/support/multipart.ts';
import { buildOrganisation, buildStaff } from '../../test/support/factories.ts';
import { buildDataset } from '../../test/support/opendata-factories.ts';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const form = {
  name: 'bus-stops', titleEn: 'Bus stops', titleZhHk: '巴士站', titleZhCn: '', notesEn: 'Where buses stop.', notesZhHk: '巴士停靠的地方。', notesZhCn: '',
  category: 'transport', tags: 'bus, 巴士', licence: 'hk-dgov-terms', contactEmail: 'data@td.test.gov.hk', updateFrequency: 'monthly', dataDictionaryUrl: '',
};

/** Posts a multipart form the way a browser does, CSRF token included as a field. */
async function upload(client: Client, page: string, action: string, fields: Record<string, string>, file?: { name: string; content: Buffer | string; type?: string }) {
  return client.request(await multipartForm(client, page, action, fields, file));
}

async function officerOf(organisationId: string, roles: ('officer' | 'approver')[] = ['officer']) {
  const staff = await buildStaff(t.db, { organisationId, roles });
  return signInStaff(t.app, staff.email, staff.password);
}

describe('publishers in the console', () => {
  test('an officer creates a dataset, uploads a CSV that is ingested, replaces it and the old file is archived', async () => {
    const organisation = await buildOrganisation(t.db);
    const officer = await officerOf(organisation.id);
    const created = await officer.submit('/console/opendata/new', '/console/opendata', form);
    assert.equal(created.statusCode, 303);
    const page = created.headers.location as string;
    assert.match(page, /^\/console\/opendata\/[0-9a-f-]{36}$/);
    const id = page.split('/').pop()!;

    const csv = 'stop_id,name,district\nS1,Central Pier,中西區\nS2,Sha Tin Station,沙田\n';
    const uploaded = await upload(officer, page, `${page}/uploads`, { nameEn: 'Stops', nameZhHk: '車站', format: 'CSV' }, { name: 'stops.csv', content: csv, type: 'text/csv' });
    assert.equal(uploaded.statusCode, 303, uploaded.body.slice(0, 500));
    const shown = await t.app.inject({ method: 'GET', url: '/api/3/action/package_show?id=bus-stops' });
    const resource = shown.json().result.resources[0];
    assert.equal(resource.format, 'CSV');
    assert.equal(resource.datastore_active, true);
    const rows = await t.app.inject({ method: 'GET', url: `/api/3/action/datastore_search?resource_id=${resource.id}` });
    assert.equal(rows.json().result.total, 2);
    assert.equal(rows.json().result.records[1].district, '沙田');

    const replaced = await upload(officer, page, `/console/opendata/resources/${resource.id}/file`, {}, { name: 'stops.csv', content: `${csv}S3,Tuen Mun,屯門\n` });
    assert.equal(replaced.statusCode, 303);
    const after = await t.app.inject({ method: 'GET', url: `/api/3/action/datastore_search?resource_id=${resource.id}` });
    assert.equal(after.json().result.total, 3);
    const versions = await t.db.selectFrom('opendata_resource_versions').selectAll().where('resource_id', '=', resource.id).execute();
    assert.equal(versions.length, 2, 'the replaced file stays in the archive');
    const audit = await t.db.selectFrom('audit_log').select('action').where('record_id', 'in', [id, resource.id]).execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['dataset.created', 'resource.file_replaced', 'resource.uploaded']);
  });

  test('bad input is named in an error summary; a name already taken too', async () => {
    const organisation = await buildOrganisation(t.db);
    const officer = await officerOf(organisation.id);
    const bad = await officer.submit('/console/opendata/new', '/console/opendata', { ...form, name: 'Bad Name', titleEn: '', contactEmail: 'nope' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /class="error-summary"/);
    assert.match(bad.body, /href="#field-name"/);
    assert.match(bad.body, /href="#field-titleEn"/);
    assert.match(bad.body, /href="#field-contactEmail"/);
    await buildDataset(t.db, { organisationId: organisation.id, name: 'taken-name' });
    const nul = await officer.submit('/console/opendata/new', '/console/opendata', { ...form, titleEn: 'a\u0000b' });
    assert.equal(nul.statusCode, 400);
    const taken = await officer.submit('/console/opendata/new', '/console/opendata', { ...form, name: 'taken-name' });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /already exists/);
  });

  test('a file whose content does not match its declared format is refused and not kept', async () => {
    const organisation = await buildOrganisation(t.db);
    const dataset = await buildDataset(t.db, { organisationId: organisation.id });
    const officer = await officerOf(organisation.id);
    const page = `/console/opendata/${dataset.id}`;
    const pdfAsCsv = await upload(officer, page, `${page}/uploads`, { nameEn: 'Report', nameZhHk: '報告', format: 'CSV' }, { name: 'report.csv', content: Buffer.from('%PDF-1.7\n\u0000\u0001binary') });
    assert.equal(pdfAsCsv.statusCode, 400);
    assert.match(pdfAsCsv.body, /not a text CSV file/);
    const notPdf = await upload(officer, page, `${page}/uploads`, { nameEn: 'Report', nameZhHk: '報告', format: 'PDF' }, { name: 'report.pdf', content: 'a,b\n1,2\n' });
    assert.equal(notPdf.statusCode, 400);
    const noFile = await upload(officer, page, `${page}/uploads`, { nameEn: 'Report', nameZhHk: '報告', format: 'PDF' });
    assert.equal(noFile.statusCode, 400);
    assert.match(noFile.body, /Choose a file to upload/);
    const count = await t.db.selectFrom('opendata_resources').select('id').where('dataset_id', '=', dataset.id).execute();
    assert.equal(count.length, 0);
  });

  test("another organisation's dataset is not found; an approver cannot publish; visitors are sent to sign in", async () => {
    const mine = await buildOrganisation(t.db);
    const theirs = await buildDataset(t.db);
    const officer = await officerOf(mine.id);
    assert.equal((await officer.get(`/console/opendata/${theirs.id}`)).statusCode, 404);
    const edit = await officer.submit('/console/opendata/new', `/console/opendata/${theirs.id}`, { ...form });
    assert.equal(edit.statusCode, 404);
    const link = await officer.submit('/console/opendata/new', `/console/opendata/${theirs.id}/links`, { linkNameEn: 'API', linkNameZhHk: 'API', linkFormat: 'API', url: 'https://api.example.gov.hk/x' });
    assert.equal(link.statusCode, 404);
    const file = await upload(officer, '/console/opendata/new', `/console/opendata/${theirs.id}/uploads`, { nameEn: 'x', nameZhHk: 'x', format: 'CSV' }, { name: 'x.csv', content: 'a\n1\n' });
    assert.equal(file.statusCode, 404);
    assert.equal((await officer.get('/console/opendata/00000000-0000-4000-8000-000000000000')).statusCode, 404);

    const approver = await officerOf(mine.id, ['approver']);
    assert.equal((await approver.get('/console/opendata/new')).statusCode, 403);
    const visitor = await t.app.inject({ method: 'GET', url: '/console/opendata', headers: { accept: 'text/html' } });
    assert.equal(visitor.statusCode, 303);
    // A visitor holding a CSRF token from the sign-in page still cannot write.
    const anonymous = new Client(t.app);
    for (const action of [`/console/opendata/${theirs.id}`, `/console/opendata/${theirs.id}/links`, '/console/opendata']) {
      const refused = await anonymous.submit('/console/sign-in', action, { ...form });
      assert.equal(refused.statusCode, 401, action);
    }
  });

  test('an officer edits a dataset and links an API; a bad link is named', async () => {
    const organisation = await buildOrganisation(t.db);
    const dataset = await buildDataset(t.db, { organisationId: organisation.id });
    const officer = await officerOf(organisation.id);
    const page = `/console/opendata/${dataset.id}`;
    const saved = await officer.submit(page, page, { ...form, titleEn: 'Renamed dataset', tags: '新標籤' });
    assert.equal(saved.statusCode, 303);
    const shown = (await t.app.inject({ method: 'GET', url: `/api/3/action/package_show?id=${dataset.name}` })).json().result;
    assert.equal(shown.title, 'Renamed dataset');
    assert.equal(shown.name, dataset.name, 'the name stays');
    const badLink = await officer.submit(page, `${page}/links`, { linkNameEn: '', linkNameZhHk: 'API', linkFormat: 'API', url: 'ftp://x' });
    assert.equal(badLink.statusCode, 400);
    assert.match(badLink.body, /href="#field-linkNameEn"/);
    assert.match(badLink.body, /href="#field-url"/);
    const link = await officer.submit(page, `${page}/links`, { linkNameEn: 'Live API', linkNameZhHk: '實時 API', linkFormat: 'API', url: 'https://api.example.gov.hk/live' });
    assert.equal(link.statusCode, 303);
    const resources = (await t.app.inject({ method: 'GET', url: `/api/3/action/package_show?id=${dataset.name}` })).json().result.resources;
    assert.equal(resources[0].url, 'https://api.example.gov.hk/live');
  });

  test('a refused upload stores nothing: no session, wrong role, bad or missing CSRF token, another organisation', async () => {
    const organisation = await buildOrganisation(t.db);
    const dataset = await buildDataset(t.db, { organisationId: organisation.id });
    const theirs = await buildDataset(t.db);
    const officer = await officerOf(organisation.id);
    const page = `/console/opendata/${dataset.id}`;
    const csv = { name: 'a.csv', content: 'a,b\n1,2\n' };
    const fields = { nameEn: 'A', nameZhHk: 'A', format: 'CSV' };
    // Every file the store holds, finished or half-written.
    const stored = async () => (await readdir(path.join(t.config.DATA_DIR, 'files'), { recursive: true, withFileTypes: true }).catch(() => [])).filter((f) => f.isFile()).length;
    const before = await stored();

    const signedOut = await upload(new Client(t.app), '/console/sign-in', `${page}/uploads`, fields, csv);
    assert.equal(signedOut.statusCode, 401);
    const approver = await officerOf(organisation.id, ['approver']);
    const wrongRole = await upload(approver, '/console', `${page}/uploads`, fields, csv);
    assert.equal(wrongRole.statusCode, 403);
    assert.match(wrongRole.body, /role does not allow/);
    const otherOrganisation = await upload(officer, page, `/console/opendata/${theirs.id}/uploads`, fields, csv);
    assert.equal(otherOrganisation.statusCode, 404);

    const refused = (token: string | undefined) => multipartBody([
      ...(token === undefined ? [] : [{ field: '_csrf', value: token }]), { field: 'format', value: 'CSV' }, { field: 'file', file: 'a.csv', content: 'a,b\n1,2\n' },
    ]);
    const noToken = await officer.request({ method: 'POST', url: `${page}/uploads`, ...refused(undefined) });
    assert.equal(noToken.statusCode, 403);
    const badToken = await officer.request({ method: 'POST', url: `${page}/uploads`, ...refused('not-the-token') });
    assert.equal(badToken.statusCode, 403);
    assert.match(badToken.body, /expired/);
    assert.equal(await stored(), before, 'nothing reached the FileStore');

    const accepted = await upload(officer, page, `${page}/uploads`, fields, csv);
    assert.equal(accepted.statusCode, 303, 'the same upload, allowed, is stored');
    assert.equal(await stored(), before + 1);
  });

  test('a refused upload is answered while its file is still being sent, and nothing of it is on disk', async () => {
    const organisation = await buildOrganisation(t.db);
    const dataset = await buildDataset(t.db, { organisationId: organisation.id });
    const officer = await officerOf(organisation.id);
    await officer.get(`/console/opendata/${dataset.id}`);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { request, answered } = halfSendMultipart(`${address}/console/opendata/${dataset.id}/uploads`, officer, [
      { field: '_csrf', value: 'forged' }, { field: 'file', file: 'big.csv', content: Buffer.alloc(256 * 1024, 'a,b\n') },
    ]);
    // The body is never finished: only a server that refuses before reading the file can answer.
    const response = await answered;
    assert.equal(response.statusCode, 403);
    const onDisk = await readdir(path.join(t.config.DATA_DIR, 'files'), { recursive: true, withFileTypes: true }).catch(() => []);
    assert.deepEqual(onDisk.filter((f) => f.isFile() && f.name.endsWith('.part')), []);
    request.destroy();
    response.resume();
  });
});
