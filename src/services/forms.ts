import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound } from '../platform/errors.ts';
import { checkDefinition, type FormDefinition } from './form-definition.ts';
import * as store from './store.ts';

export interface FormVersion { id: string; version: number; status: store.FormStatus; definition: FormDefinition; publishedAt: Date | null }
const present = (row: store.FormRow): FormVersion => ({ id: row.id, version: row.version, status: row.status, definition: row.definition as FormDefinition, publishedAt: row.published_at });

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

/** Every save is a new draft version; live versions never change, so submitted applications keep their form. */
export async function saveFormDraft(db: Db, ctx: RequestContext, serviceId: string, candidate: unknown): Promise<FormVersion> {
  const service = await ownService(db, ctx, serviceId);
  const { definition, errors } = checkDefinition(candidate);
  if (!definition) throw invalidInput(errors, 'The form definition has problems.');
  return db.transaction().execute(async (trx) => {
    const row = await store.insertForm(trx, serviceId, definition);
    await recordAudit(trx, ctx, { action: 'service_form.saved', recordType: 'service_form', recordId: row.id, organisationId: service.organisation_id, detail: { version: row.version } });
    return present(row);
  });
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
