import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound, type FieldError } from '../platform/errors.ts';
import { checkDefinition, type FormDefinition } from './form-definition.ts';
import * as store from './store.ts';

export interface FormVersion { id: string; version: number; revision: number; status: store.FormStatus; definition: FormDefinition; publishedAt: Date | null }
const present = (row: store.FormRow): FormVersion => ({ id: row.id, version: row.version, revision: row.revision, status: row.status, definition: row.definition as FormDefinition, publishedAt: row.published_at });

/** What a new form starts from in the editor. */
export const STARTER_FORM: FormDefinition = {
  steps: [
    { id: 'applicant', title: { en: 'About you', 'zh-HK': '關於你' }, questions: [
      { id: 'fullName', type: 'text', label: { en: 'Full name', 'zh-HK': '全名' }, required: true },
      { id: 'phone', type: 'phone', label: { en: 'Phone number', 'zh-HK': '電話號碼' }, required: true },
    ] },
    { id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [
      { id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true },
    ] },
  ],
};

async function ownService(db: Db, ctx: RequestContext, serviceId: string) {
  const admin = requireRole(ctx.actor, 'organisation_admin');
  const service = await store.serviceById(db, serviceId);
  assertOrganisationRecord(admin, service?.organisation_id ?? null, 'The service');
  return service!;
}

export async function formVersions(db: Db, ctx: RequestContext, serviceId: string): Promise<FormVersion[]> {
  await ownService(db, ctx, serviceId);
  return (await store.formsOfService(db, serviceId)).map(present);
}

/** The form an editor works on: the draft version if the latest is one, else a copy of the latest (or a starter form). The
 * basis names the latest version and revision: an edit is refused unless it was made on that basis. */
export interface WorkingForm { definition: FormDefinition; basis: string; draft?: FormVersion | undefined; nextVersion: number }

const basisOf = (row: store.FormRow | undefined) => (row ? `${row.version}.${row.revision}` : 'none');

function working(latest: store.FormRow | undefined): WorkingForm {
  return {
    definition: latest ? (latest.definition as FormDefinition) : STARTER_FORM, basis: basisOf(latest),
    draft: latest?.status === 'draft' ? present(latest) : undefined, nextVersion: latest?.status === 'draft' ? latest.version : (latest?.version ?? 0) + 1,
  };
}

export async function workingForm(db: Db, ctx: RequestContext, serviceId: string): Promise<WorkingForm> {
  await ownService(db, ctx, serviceId);
  return working(await store.latestForm(db, serviceId));
}

/** A change to the working form: the new definition, or the problems that stop it (named per field). */
export type FormChange = (definition: FormDefinition) => { definition?: FormDefinition; errors: FieldError[] };

/** The one conflict an edit meets: the form changed since the editor's page was made (pages say it in their language). */
export const staleForm = () => conflict('Someone else changed this form since you opened it. Reload it and make your change again.');

/** Every edit goes to the draft version (made from the latest version when there is none); live versions never change,
 * so submitted applications keep their form. An edit made on a stale basis is refused. */
export async function editFormDraft(db: Db, ctx: RequestContext, serviceId: string, basis: string | undefined, change: FormChange, what: string): Promise<FormVersion> {
  const service = await ownService(db, ctx, serviceId);
  return db.transaction().execute(async (trx) => {
    await store.lockServiceForms(trx, serviceId);
    const latest = await store.latestForm(trx, serviceId);
    if (basis !== undefined && basis !== basisOf(latest)) throw staleForm();
    const changed = change(structuredClone(working(latest).definition));
    const checked: { definition?: FormDefinition | undefined; errors: FieldError[] } = changed.definition ? checkDefinition(changed.definition) : { errors: changed.errors };
    if (!checked.definition) throw invalidInput(checked.errors, 'The form has problems.');
    const row = latest?.status === 'draft'
      ? await store.updateFormDraft(trx, latest.id, latest.revision, checked.definition)
      : await store.insertForm(trx, serviceId, checked.definition);
    if (!row) throw staleForm();
    await recordAudit(trx, ctx, { action: 'service_form.saved', recordType: 'service_form', recordId: row.id, organisationId: service.organisation_id, detail: { version: row.version, revision: row.revision, change: what } });
    return present(row);
  });
}

/** The advanced editor: the whole definition as JSON. */
export async function saveFormDraft(db: Db, ctx: RequestContext, serviceId: string, candidate: unknown, basis?: string): Promise<FormVersion> {
  return editFormDraft(db, ctx, serviceId, basis, () => checkDefinition(candidate), 'json');
}

export async function publishForm(db: Db, ctx: RequestContext, serviceId: string, formId: string): Promise<void> {
  const service = await ownService(db, ctx, serviceId);
  await db.transaction().execute(async (trx) => {
    const form = await store.formById(trx, formId);
    if (!form || form.service_id !== serviceId) throw notFound('The form version');
    if (form.status !== 'draft') throw conflict(`Version ${form.version} is ${form.status}; save a new draft to change the form.`);
    await store.makeFormLive(trx, form);
    await recordAudit(trx, ctx, { action: 'service_form.published', recordType: 'service_form', recordId: form.id, organisationId: service.organisation_id, detail: { version: form.version } });
  });
}

export async function hasLiveForm(db: Db, serviceId: string): Promise<boolean> {
  return (await store.liveForm(db, serviceId)) !== undefined;
}
