import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Client, createTestApp, csrfToken, signInStaff, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation, buildStaff, signedInStaff } from '../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';
import { buildServiceWithForm, SAMPLE_FILES, startApplicationAsNewCitizen, submitMultipart } from '../../test/support/services-factories.ts';
import { halfSendMultipart, multipartBody } from '../../test/support/multipart.ts';
import { waitFor } from '../../test/support/wait.ts';
import type { FormDefinition } from './form-definition.ts';

// File questions: multipart steps, type checked by content, replace before submitting, downloads for the applicant and
// the department only, and nothing left in the file store by a refused upload.
const FORM: FormDefinition = {
  steps: [
    { id: 'evidence', title: { en: 'Evidence', 'zh-HK': '證明文件' }, questions: [
      { id: 'note', type: 'text', label: { en: 'Vessel name', 'zh-HK': '船隻名稱' }, required: true },
      { id: 'certificate', type: 'file', label: { en: 'Survey certificate', 'zh-HK': '驗船證明書' }, required: true },
    ] },
    { id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true }] },
  ],
};
/** Two file questions with a typed answer between them: fields after a file must be read too. */
const TWO_FILES: FormDefinition = {
  steps: [{ id: 'documents', title: { en: 'Documents', 'zh-HK': '文件' }, questions: [
    { id: 'front', type: 'file', label: { en: 'Front of the card', 'zh-HK': '證件正面' }, required: true },
    { id: 'note', type: 'text', label: { en: 'Card number', 'zh-HK': '證件號碼' }, required: true },
    { id: 'back', type: 'file', label: { en: 'Back of the card', 'zh-HK': '證件背面' }, required: true },
  ] }],
};

let t: TestApp;
let slug: string;
let organisationId: string;
let officer: Client;
before(async () => {
  t = await createTestApp({ APPLICATION_FILE_MAX_MB: '1' }); // not the default 10: the limit is the configured one
  organisationId = (await buildOrganisation(t.db)).id;
  slug = (await buildServiceWithForm(t.db, FORM, { organisationId })).service.slug;
  officer = await signedInStaff(t, organisationId, ['officer']);
});
after(async () => { await t.close(); });

async function start() {
  const { citizen, id } = await startApplicationAsNewCitizen(t.app, t.db, slug);
  return { citizen, id, step: `/applications/${id}/steps/evidence` };
}

/** Every file in the store, temporary ones included. */
async function storedFiles(): Promise<string[]> {
  const root = path.join(t.config.DATA_DIR, 'files');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

describe('file questions', () => {
  test('attach, replace, check answers, submit; the applicant and the department download it', async () => {
    const { citizen, id, step } = await start();
    const page = await citizen.get(step);
    assert.match(page.body, /enctype="multipart\/form-data"/, 'the step with a file question is a multipart form');
    assert.match(page.body, /type="file"/);
    assert.match(page.body, /A PDF, PNG or JPEG file, up to 1 MB\./, 'the hint gives the configured limit');

    const first = await submitMultipart(citizen, step, step, { note: 'Sample Star' }, { certificate: { name: 'survey.png', content: SAMPLE_FILES.png, type: 'image/png' } });
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, `/applications/${id}/steps/declaration`);
    const [firstRow] = await t.db.selectFrom('application_files').selectAll().where('application_id', '=', id).execute();
    assert.equal(firstRow!.content_type, 'image/png');
    assert.equal(firstRow!.size_bytes, SAMPLE_FILES.png.length);
    assert.match(firstRow!.sha256, /^[0-9a-f]{64}$/);
    assert.match((await citizen.get(step)).body, /You have attached survey\.png/, 'the kept file is shown on the step');

    const kept = await submitMultipart(citizen, step, step, { note: 'Sample Star II' });
    assert.equal(kept.statusCode, 303, 'answering again without a file keeps the one attached');
    const replaced = await submitMultipart(citizen, step, step, { note: 'Sample Star' }, { certificate: { name: 'survey.pdf', content: SAMPLE_FILES.pdf } });
    assert.equal(replaced.statusCode, 303);
    const rows = await t.db.selectFrom('application_files').selectAll().where('application_id', '=', id).execute();
    assert.equal(rows.length, 1, 'a replaced file is not kept');
    assert.equal(rows[0]!.file_name, 'survey.pdf');
    assert.ok(!(await storedFiles()).some((f) => f.endsWith(firstRow!.file_key.split('/')[1]!)), 'the replaced bytes are deleted');

    assert.doesNotMatch((await citizen.get(`/applications/${id}/steps/declaration`)).body, /enctype=/, 'a step without files is a plain form');
    await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
    const check = await citizen.get(`/applications/${id}/check`);
    assert.match(check.body, new RegExp(`href="/applications/${id}/files/${rows[0]!.id}">survey\\.pdf</a>`));
    assert.equal((await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {})).statusCode, 303);

    const own = await citizen.get(`/applications/${id}/files/${rows[0]!.id}`);
    assert.equal(own.statusCode, 200);
    assert.equal(own.headers['content-type'], 'application/pdf');
    assert.match(own.headers['content-disposition'] as string, /attachment; filename="survey\.pdf"/);
    assert.deepEqual(own.rawPayload, SAMPLE_FILES.pdf);

    const officerPage = await officer.get(`/console/applications/${id}`);
    const link = `/console/applications/${id}/files/${rows[0]!.id}`;
    assert.match(officerPage.body, new RegExp(`href="${link}">survey\\.pdf</a>`));
    const downloaded = await officer.get(link);
    assert.equal(downloaded.statusCode, 200);
    assert.deepEqual(downloaded.rawPayload, SAMPLE_FILES.pdf);
    const read = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'application.file_read').where('record_id', '=', id).execute();
    assert.deepEqual(read.map((r) => (r.detail as { file: string }).file), [rows[0]!.id], "the officer's reading is on the record (the applicant's own is not)");
    const audit = await t.db.selectFrom('audit_log').select('detail').where('action', '=', 'application.file_attached').where('record_id', '=', id).orderBy('id').execute();
    assert.equal(audit.length, 2);
    assert.equal((audit[1]!.detail as { sha256: string }).sha256, rows[0]!.sha256);
    assert.equal((await submitMultipart(citizen, `/applications/${id}`, step, { note: 'x' }, { certificate: { name: 'late.pdf', content: SAMPLE_FILES.pdf } })).statusCode, 409, 'no replacing after submitting');
  });

  test('others get not-found: another citizen, another department, a signed-out visitor', async () => {
    const { citizen, id, step } = await start();
    await submitMultipart(citizen, step, step, { note: 'Private' }, { certificate: { name: 'private.pdf', content: SAMPLE_FILES.pdf } });
    const file = await t.db.selectFrom('application_files').select('id').where('application_id', '=', id).executeTakeFirstOrThrow();
    const other = await signInCitizen(t.app, await buildCitizen(t.db));
    assert.equal((await other.get(`/applications/${id}/files/${file.id}`)).statusCode, 404);
    assert.equal((await officer.get(`/console/applications/${id}/files/${file.id}`)).statusCode, 404, 'not with the department before it is submitted');
    await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
    await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {});
    const outsider = await buildStaff(t.db, { roles: ['officer', 'approver'] });
    const outsiderClient = await signInStaff(t.app, outsider.email, outsider.password);
    assert.equal((await outsiderClient.get(`/console/applications/${id}/files/${file.id}`)).statusCode, 404);
    assert.equal((await officer.get(`/console/applications/${id}/files/00000000-0000-4000-8000-000000000000`)).statusCode, 404);
    const visitor = await t.app.inject({ url: `/applications/${id}/files/${file.id}`, headers: { accept: 'text/html' } });
    assert.equal(visitor.statusCode, 303, 'visitors are sent to sign in');
  });

  test('refused by content, name or size, with a clear message; nothing is left in the store', async () => {
    const { citizen, id, step } = await start();
    const before = await storedFiles();
    const cases = [
      { file: { name: 'certificate.pdf', content: SAMPLE_FILES.png }, message: /named as another type than it is/ },
      { file: { name: 'setup.exe', content: SAMPLE_FILES.exe }, message: /must be a PDF, PNG or JPEG/ },
      { file: { name: 'renamed.pdf', content: SAMPLE_FILES.exe }, message: /must be a PDF, PNG or JPEG/ },
      { file: { name: 'big.pdf', content: Buffer.concat([SAMPLE_FILES.pdf, Buffer.alloc(1024 * 1024)]) }, message: /must be smaller than 1 MB/ },
    ];
    for (const c of cases) {
      const refused = await submitMultipart(citizen, step, step, { note: 'Sample Star' }, { certificate: c.file });
      assert.equal(refused.statusCode, 400, c.file.name);
      assert.match(refused.body, /class="error-summary"/);
      assert.match(refused.body, c.message, c.file.name);
      assert.match(refused.body, /value="Sample Star"/, 'typed answers are kept');
    }
    const missing = await submitMultipart(citizen, step, step, { note: 'Sample Star' });
    assert.match(missing.body, /Answer &quot;Survey certificate&quot;/, 'a required file must be attached');
    const goodFileBadAnswer = await submitMultipart(citizen, step, step, { note: '' }, { certificate: { name: 'ok.pdf', content: SAMPLE_FILES.pdf } });
    assert.equal(goodFileBadAnswer.statusCode, 400);
    const noToken = await submitMultipart(citizen, step, step, { note: 'Sample Star' }, { certificate: { name: 'ok.pdf', content: SAMPLE_FILES.pdf } }, false);
    assert.equal(noToken.statusCode, 403, 'CSRF is checked on multipart steps');
    const stranger = await signInCitizen(t.app, await buildCitizen(t.db));
    assert.equal((await submitMultipart(stranger, '/applications', step, { note: 'x' }, { certificate: { name: 'ok.pdf', content: SAMPLE_FILES.pdf } })).statusCode, 404);
    assert.deepEqual(await storedFiles(), before, 'every refused upload was deleted');
    assert.equal((await t.db.selectFrom('application_files').select('id').where('application_id', '=', id).execute()).length, 0);
  });

  test('two files and an answer sent between them are all kept', async () => {
    const twoFiles = (await buildServiceWithForm(t.db, TWO_FILES, { organisationId })).service.slug;
    const { citizen, id } = await startApplicationAsNewCitizen(t.app, t.db, twoFiles);
    const step = `/applications/${id}/steps/documents`;
    const _csrf = csrfToken((await citizen.get(step)).body);
    const saved = await citizen.request({ method: 'POST', url: step, ...multipartBody([
      { field: '_csrf', value: _csrf }, { field: 'front', file: 'front.png', content: SAMPLE_FILES.png },
      { field: 'note', value: 'A123456(3)' }, { field: 'back', file: 'back.pdf', content: SAMPLE_FILES.pdf },
    ]) });
    assert.equal(saved.statusCode, 303);
    const rows = await t.db.selectFrom('application_files').select(['question_id', 'file_name']).where('application_id', '=', id).orderBy('question_id').execute();
    assert.deepEqual(rows, [{ question_id: 'back', file_name: 'back.pdf' }, { question_id: 'front', file_name: 'front.png' }]);
    const answers = (await t.db.selectFrom('applications').select('answers').where('id', '=', id).executeTakeFirstOrThrow()).answers as Record<string, string>;
    assert.equal(answers.note, 'A123456(3)', 'the answer after the first file is read');
  });

  test('an answer sent after a file that is too long is named in the page\'s language, never in the error\'s English', async () => {
    const { citizen, step } = await start();
    const shown = await citizen.request({ method: 'GET', url: `${step}?lang=zh-HK` });
    const body = multipartBody([
      { field: '_csrf', value: csrfToken(shown.body) }, { field: 'certificate', file: 'ok.pdf', content: Buffer.concat([SAMPLE_FILES.pdf, Buffer.alloc(512 * 1024)]) }, { field: 'note', value: 'x'.repeat(5001) },
    ]);
    // Sent in pieces, as over a network: the answer after the file arrives only once the route reads the files, so the
    // route's schema never sees it.
    const pieces = Array.from({ length: Math.ceil(body.payload.length / 65_536) }, (_, i) => body.payload.subarray(i * 65_536, (i + 1) * 65_536));
    const refused = await citizen.request({ method: 'POST', url: `${step}?lang=zh-HK`, headers: body.headers, payload: Readable.from(pieces) });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /class="error-summary"/);
    assert.match(refused.body, /部分答案太長：請縮短後再遞交此步驟/);
    assert.doesNotMatch(refused.body, /too long|is not valid/);
  });

  test('the same step sent with a file many times at once: each one saved in turn, one file kept, the others\' bytes deleted', async () => {
    const { citizen, id, step } = await start();
    const before = await storedFiles();
    const _csrf = csrfToken((await citizen.get(step)).body);
    const sends = Array.from({ length: 12 }, (_, i) => citizen.request({ method: 'POST', url: step, ...multipartBody([
      { field: '_csrf', value: _csrf }, { field: 'note', value: 'Sample Star' }, { field: 'certificate', file: `survey-${i}.pdf`, content: SAMPLE_FILES.pdf },
    ]) }));
    const answers = await Promise.all(sends);
    assert.deepEqual(answers.map((a) => a.statusCode), answers.map(() => 303), 'no conflict from sending at once');
    const rows = await t.db.selectFrom('application_files').selectAll().where('application_id', '=', id).execute();
    assert.equal(rows.length, 1);
    const answer = (await t.db.selectFrom('applications').select('answers').where('id', '=', id).executeTakeFirstOrThrow()).answers as Record<string, string>;
    assert.equal(answer.certificate, rows[0]!.id, 'the answer names the file kept');
    const after = await storedFiles();
    assert.equal(after.length, before.length + 1, 'only the kept file\'s bytes remain');
    assert.ok(after.some((f) => f.endsWith(rows[0]!.file_key.split('/')[1]!)));
  });

  test('a file whose bytes are gone is not found, for the applicant and the department (never a 500)', async () => {
    const { citizen, id, step } = await start();
    await submitMultipart(citizen, step, step, { note: 'Sample Star' }, { certificate: { name: 'gone.pdf', content: SAMPLE_FILES.pdf } });
    await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
    assert.equal((await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {})).statusCode, 303);
    const file = await t.db.selectFrom('application_files').select(['id', 'file_key']).where('application_id', '=', id).executeTakeFirstOrThrow();
    await rm(path.join(t.config.DATA_DIR, 'files', file.file_key));
    const own = await citizen.get(`/applications/${id}/files/${file.id}`);
    assert.equal(own.statusCode, 404);
    assert.match(own.body, /The file was not found/);
    assert.equal((await officer.get(`/console/applications/${id}/files/${file.id}`)).statusCode, 404);
  });

  test('a request that may not change the application stores nothing: no session, another citizen, bad CSRF token, a submitted application', async () => {
    const { citizen, id, step } = await start();
    const other = await start();
    await submitMultipart(other.citizen, other.step, other.step, { note: 'Sent' }, { certificate: { name: 'sent.pdf', content: SAMPLE_FILES.pdf } });
    await other.citizen.submit(`/applications/${other.id}/steps/declaration`, `/applications/${other.id}/steps/declaration`, { declare: 'yes' });
    assert.equal((await other.citizen.submit(`/applications/${other.id}/check`, `/applications/${other.id}/submit`, {})).statusCode, 303);
    const visitor = new Client(t.app);
    const before = await storedFiles();
    const pdf = { certificate: { name: 'ok.pdf', content: SAMPLE_FILES.pdf } };
    const cases = [
      { name: 'no session', send: () => submitMultipart(visitor, '/account/sign-in', step, { note: 'x' }, pdf), status: 401 },
      { name: 'another citizen', send: () => submitMultipart(other.citizen, '/applications', step, { note: 'x' }, pdf), status: 404 },
      { name: 'bad CSRF token', send: () => citizen.request({ method: 'POST', url: step, ...multipartBody([{ field: '_csrf', value: 'forged' }, { field: 'certificate', file: 'ok.pdf', content: SAMPLE_FILES.pdf }]) }), status: 403 },
      { name: 'a submitted application', send: () => submitMultipart(other.citizen, `/applications/${other.id}`, other.step, { note: 'x' }, pdf), status: 409 },
    ];
    for (const c of cases) assert.equal((await c.send()).statusCode, c.status, c.name);
    assert.deepEqual(await storedFiles(), before, 'nothing reached the file store');
    assert.equal((await t.db.selectFrom('application_files').select('id').where('application_id', '=', id).execute()).length, 0);
  });

  test('a refused request is answered while its file is still being sent, and an interrupted upload leaves nothing', async () => {
    const { citizen, step } = await start();
    const other = await start();
    const visitor = new Client(t.app);
    const visitorToken = csrfToken((await visitor.get('/account/sign-in')).body);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const before = await storedFiles();
    /** Sends the token and the start of a file, never the end of the body. */
    const halfSend = (client: Client, token: string) => halfSendMultipart(`${address}${step}`, client, [
      { field: '_csrf', value: token }, { field: 'certificate', file: 'scan.pdf', content: Buffer.concat([SAMPLE_FILES.pdf, Buffer.alloc(256 * 1024, 'pdf ')]) },
    ]);
    const cases = [
      { name: 'no session', client: visitor, token: visitorToken, status: 401 },
      { name: 'another citizen', client: other.citizen, token: csrfToken((await other.citizen.get(other.step)).body), status: 404 },
      { name: 'bad CSRF token', client: citizen, token: 'forged', status: 403 },
    ];
    for (const c of cases) {
      const { request, answered } = halfSend(c.client, c.token);
      // The body is never finished: only a server that refuses before reading the file can answer.
      const response = await answered;
      assert.equal(response.statusCode, c.status, c.name);
      response.resume();
      request.destroy();
    }
    assert.deepEqual(await storedFiles(), before, 'nothing of the refused files is on disk, not even half-written');

    // The owner's upload is read into the store; the connection drops halfway, and the half-written file goes.
    const { request, answered } = halfSend(citizen, csrfToken((await citizen.get(step)).body));
    answered.catch(() => undefined);
    const halfWritten = () => storedFiles().then((files) => files.filter((f) => f.endsWith('.part')));
    await waitFor('the upload is being written', async () => (await halfWritten()).length > 0);
    request.destroy();
    await waitFor('the half-written file is removed', async () => (await halfWritten()).length === 0);
    assert.deepEqual(await storedFiles(), before);
  });
});
