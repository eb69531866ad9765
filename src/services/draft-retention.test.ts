import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildServiceWithForm, SAMPLE_FILES, startApplicationAsNewCitizen, submitMultipart } from '../../test/support/services-factories.ts';
import { systemContext } from '../platform/context.ts';
import { fileStoreFor, type FileStore } from '../platform/files/index.ts';
import type { FormDefinition } from './form-definition.ts';
import { deleteAbandonedDrafts } from './draft-retention.ts';
import { deleteDraftsUnchangedSince } from './store.ts';
import { csrfToken } from '../../test/support/app.ts';
import { multipartBody } from '../../test/support/multipart.ts';
import { waitFor } from '../../test/support/wait.ts';
import { readdir } from 'node:fs/promises';
import { startSmartgov } from '../../test/support/process.ts';

// Abandoned drafts and their files are deleted after DRAFT_RETENTION_DAYS without a change; nothing else is.
const FORM: FormDefinition = {
  steps: [
    { id: 'evidence', title: { en: 'Evidence', 'zh-HK': '證明文件' }, questions: [{ id: 'photo', type: 'file', label: { en: 'Photograph', 'zh-HK': '相片' }, required: true }] },
    { id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true }] },
  ],
};

let t: TestApp;
let files: FileStore;
let slug: string;
before(async () => {
  t = await createTestApp();
  files = fileStoreFor(t.config);
  slug = (await buildServiceWithForm(t.db, FORM)).service.slug;
});
after(async () => { await t.close(); });

/** A draft with a photograph attached, last changed `daysAgo` days ago (submitted too, when asked). */
async function application(daysAgo: number, submit = false) {
  const { citizen, id } = await startApplicationAsNewCitizen(t.app, t.db, slug);
  const step = `/applications/${id}/steps/evidence`;
  assert.equal((await submitMultipart(citizen, step, step, {}, { photo: { name: 'photo.png', content: SAMPLE_FILES.png } })).statusCode, 303);
  if (submit) {
    await citizen.submit(`/applications/${id}/steps/declaration`, `/applications/${id}/steps/declaration`, { declare: 'yes' });
    assert.equal((await citizen.submit(`/applications/${id}/check`, `/applications/${id}/submit`, {})).statusCode, 303);
  }
  const past = new Date(Date.now() - daysAgo * 86_400_000);
  await t.db.updateTable('applications').set({ updated_at: past, created_at: past }).where('id', '=', id).execute();
  const { file_key: key } = await t.db.selectFrom('application_files').select('file_key').where('application_id', '=', id).executeTakeFirstOrThrow();
  return { citizen, id, key };
}

const exists = async (id: string) => Boolean(await t.db.selectFrom('applications').select('id').where('id', '=', id).executeTakeFirst());

describe('deleting abandoned drafts', () => {
  test('drafts unchanged past the retention period go, with their files; recent drafts and submitted applications stay', async () => {
    assert.equal(t.config.DRAFT_RETENTION_DAYS, 30, 'the default');
    const abandoned = await application(31);
    const recent = await application(29);
    const submitted = await application(400, true);
    const resumed = await application(45);
    await t.db.updateTable('applications').set({ updated_at: new Date() }).where('id', '=', resumed.id).execute();

    const deleted = await deleteAbandonedDrafts(t.db, files, systemContext('test'), t.config.DRAFT_RETENTION_DAYS);
    assert.deepEqual(deleted, { drafts: 1, files: 1 });
    assert.equal(await exists(abandoned.id), false);
    assert.equal(await files.stat(abandoned.key), undefined, 'the bytes are gone from the file store');
    assert.equal((await t.db.selectFrom('application_files').select('id').where('application_id', '=', abandoned.id).execute()).length, 0);
    assert.equal((await abandoned.citizen.get(`/applications/${abandoned.id}`)).statusCode, 404);
    for (const kept of [recent, submitted, resumed]) {
      assert.ok(await exists(kept.id));
      assert.ok(await files.stat(kept.key), 'kept files keep their bytes');
    }
    const audit = await t.db.selectFrom('audit_log').select(['record_id', 'actor_kind', 'detail']).where('action', '=', 'application.draft_deleted').execute();
    assert.deepEqual(audit.map((a) => a.record_id), [abandoned.id]);
    assert.equal(audit[0]!.actor_kind, 'system');
    const detail = audit[0]!.detail as { files: number; retentionDays: number; lastChanged: string };
    assert.deepEqual([detail.files, detail.retentionDays], [1, 30]);
    assert.ok(new Date(detail.lastChanged) < new Date(Date.now() - 30 * 86_400_000));
    assert.deepEqual(await deleteAbandonedDrafts(t.db, files, systemContext('test'), 30), { drafts: 0, files: 0 }, 'running again finds nothing');
  });

  test('a step saved with a file while the cleanup deletes its draft: not found, and the new file is not kept', async () => {
    const { citizen, id } = await application(1000);
    const step = `/applications/${id}/steps/evidence`;
    const _csrf = csrfToken((await citizen.get(step)).body);
    await t.db.updateTable('applications').set({ updated_at: new Date(Date.now() - 1000 * 86_400_000) }).where('id', '=', id).execute();
    const stored = async () => (await readdir(`${t.config.DATA_DIR}/files`, { recursive: true, withFileTypes: true })).filter((f) => f.isFile()).length;
    const before = await stored();
    let saved: ReturnType<typeof citizen.request> | undefined;
    // The cleanup's transaction has deleted the draft and not yet committed when the step's save reaches it.
    await t.db.transaction().execute(async (trx) => {
      assert.deepEqual((await deleteDraftsUnchangedSince(trx, new Date(Date.now() - 999 * 86_400_000), 200)).map((d) => d.id), [id]);
      saved = citizen.request({ method: 'POST', url: step, ...multipartBody([{ field: '_csrf', value: _csrf }, { field: 'photo', file: 'late.png', content: SAMPLE_FILES.png }]) });
      await waitFor('the step waits for the cleanup', async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.db)).rows[0]!.n) > 0);
    });
    const answer = await saved!;
    assert.equal(answer.statusCode, 404, answer.body.slice(0, 300));
    assert.equal(await exists(id), false);
    assert.equal(await stored(), before, 'the file sent with the step is not kept');
  });

  test('smartgov cleanup deletes them with the configured retention', async () => {
    const old = await application(8);
    const young = await application(6);
    const submitted = await application(8, true);
    const due = await t.db.selectFrom('applications').select('id').where('status', '=', 'draft').where('updated_at', '<', new Date(Date.now() - 7 * 86_400_000)).execute();
    assert.ok(due.length >= 1, 'the 8-day-old draft, and any the test before left');
    const env = { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', DATABASE_URL: t.config.DATABASE_URL, DATA_DIR: t.config.DATA_DIR, DRAFT_RETENTION_DAYS: '7' };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main.ts', 'cleanup'], { env });
    assert.match(stdout, new RegExp(`Deleted ${due.length} application drafts not changed for 7 days, and their ${due.length} files`));
    assert.equal(await exists(old.id), false);
    assert.equal(await files.stat(old.key), undefined);
    for (const kept of [young, submitted]) assert.ok((await exists(kept.id)) && (await files.stat(kept.key)));
  });

  test('smartgov start deletes them itself (at start, then hourly), with their files and audit entries', async () => {
    const old = await application(8);
    const young = await application(6);
    const server = startSmartgov({
      DATABASE_URL: t.config.DATABASE_URL, DATA_DIR: t.config.DATA_DIR, NODE_ENV: 'test', SEED_SAMPLE_DATA: 'false',
      HOST: '127.0.0.1', PORT: '0', DRAFT_RETENTION_DAYS: '7',
    });
    try {
      await server.address;
      await waitFor('the 8-day-old draft deleted by the running server', async () => !(await exists(old.id)), { timeoutMs: 60_000, everyMs: 100 });
      assert.equal(await files.stat(old.key), undefined);
      assert.ok((await exists(young.id)) && (await files.stat(young.key)), 'a draft within the retention period stays');
      const audit = await t.db.selectFrom('audit_log').select('actor_label').where('action', '=', 'application.draft_deleted').where('record_id', '=', old.id).executeTakeFirst();
      assert.equal(audit?.actor_label, 'smartgov start: draft retention');
    } finally {
      await server.kill9();
    }
  });
});
