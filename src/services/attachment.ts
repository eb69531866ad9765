import type { Config } from '../platform/config.ts';
import type { Db, Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import type { FieldError } from '../platform/errors.ts';
import { notFound } from '../platform/errors.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { nameFitsType, storedContentType, type FileStore, type SniffedType, type UploadedFile } from '../platform/files/index.ts';
import type { FormStep } from './form-definition.ts';
import * as store from './store.ts';

// Files that answer `file` questions. The type is judged by the first bytes of the content; a name that claims
// another type (a PNG called .pdf) is refused too, so what the officer opens is what the name says.

/** The largest file a file question takes (APPLICATION_FILE_MAX_MB); larger ones are refused while they stream in. */
export const attachmentMaxBytes = (config: Pick<Config, 'APPLICATION_FILE_MAX_MB'>) => config.APPLICATION_FILE_MAX_MB * 1024 * 1024;
const ACCEPTED: SniffedType[] = ['application/pdf', 'image/png', 'image/jpeg'];

/** What the citizen sent with one step: stored files by question, and questions whose file was too large. */
export interface StepUploads { files: FileStore; uploads: Record<string, UploadedFile>; tooLarge: string[] }
export interface Attachment extends UploadedFile { contentType: SniffedType }

/** Each file sent for a file question of this step, checked by its content: the accepted ones, and why the rest are refused. */
export async function checkStepUploads(step: FormStep, sent: StepUploads | undefined): Promise<{ accepted: Map<string, Attachment>; problems: FieldError[] }> {
  const accepted = new Map<string, Attachment>();
  const problems: FieldError[] = [];
  for (const q of step.questions.filter((question) => question.type === 'file')) {
    if (sent?.tooLarge.includes(q.id)) {
      problems.push({ field: q.id, reason: 'file_too_large' });
      continue;
    }
    const upload = sent?.uploads[q.id];
    if (!upload) continue;
    const type = await storedContentType(sent.files, upload.key);
    if (!type || !ACCEPTED.includes(type)) problems.push({ field: q.id, reason: 'file_type' });
    else if (!nameFitsType(upload.fileName, type)) problems.push({ field: q.id, reason: 'file_name' });
    else accepted.set(q.id, { ...upload, contentType: type });
  }
  return { accepted, problems };
}

/** In the step's transaction: each accepted file becomes its question's answer (the row id), audited; returns the answers and the replaced files' keys. */
export async function attachFiles(trx: Trx, ctx: RequestContext, application: store.ApplicationRow, accepted: Map<string, Attachment>) {
  const answers: Record<string, string> = {};
  const replacedKeys: string[] = [];
  for (const [questionId, file] of accepted) {
    const { saved, replaced } = await store.replaceApplicationFile(trx, {
      application_id: application.id, question_id: questionId, file_key: file.key, file_name: file.fileName, size_bytes: file.size, sha256: file.sha256, content_type: file.contentType,
    });
    answers[questionId] = saved.id;
    if (replaced) replacedKeys.push(replaced.file_key);
    await recordAudit(trx, ctx, {
      action: 'application.file_attached', recordType: 'application', recordId: application.id, organisationId: application.organisation_id,
      detail: { question: questionId, sha256: file.sha256, size: file.size, contentType: file.contentType, replaced: Boolean(replaced) },
    });
  }
  return { answers, replacedKeys };
}

/** Deletes the stored bytes of every upload that no answer kept (a refused step, a file for no question, an error). */
export async function discardUnkept(db: Db, files: FileStore, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const kept = new Set((await db.selectFrom('application_files').select('file_key').where('file_key', 'in', keys).execute()).map((r) => r.file_key));
  await Promise.all(keys.filter((key) => !kept.has(key)).map((key) => files.delete(key)));
}

/** One of the application's files, once the caller may see the application (the applicant, or its department's staff). */
export async function fileOf(db: Db, applicationId: string, fileId: string): Promise<store.ApplicationFileRow> {
  const row = (await store.filesOfApplication(db, applicationId)).find((f) => f.id === fileId);
  if (!row) throw notFound('The file');
  return row;
}

/** Staff reading a citizen's document is on the record: who opened which file of which application. */
export async function recordFileRead(db: Db, ctx: RequestContext, application: store.ApplicationRow, file: store.ApplicationFileRow): Promise<void> {
  await db.transaction().execute((trx) => recordAudit(trx, ctx, {
    action: 'application.file_read', recordType: 'application', recordId: application.id, organisationId: application.organisation_id,
    detail: { file: file.id, question: file.question_id, sha256: file.sha256 },
  }));
}

export const filesById = async (db: Db, applicationId: string) => new Map((await store.filesOfApplication(db, applicationId)).map((f) => [f.id, f]));
