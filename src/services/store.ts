import { sql, type ColumnType, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Queryable } from '../platform/db/database.ts';

export type ServiceStatus = 'draft' | 'published' | 'withdrawn';
/** When a service's fee is paid: on submission, or once the application is approved (before the licence is issued). */
export type FeeDue = 'submission' | 'approval';
type Trilingual = { en: string; 'zh-HK': string; 'zh-CN': string };
/** One document an applicant needs, as kept in `services.required_documents`. */
export interface RequiredDocumentRow { label: Trilingual; note: Trilingual | null; mandatory: boolean }

interface ServicesTable {
  id: Generated<string>;
  organisation_id: string;
  slug: string;
  category: string;
  status: Generated<ServiceStatus>;
  name_en: string;
  name_zh_hk: string;
  name_zh_cn: string;
  summary_en: string;
  summary_zh_hk: string;
  summary_zh_cn: string;
  pledge_working_days: number | null;
  fee_cents: Generated<number>;
  fee_item_id: string | null;
  fee_due: Generated<FeeDue>;
  contact_email: string | null;
  eligibility_en: Generated<string>;
  eligibility_zh_hk: Generated<string>;
  eligibility_zh_cn: Generated<string>;
  /** jsonb: read as the list, written as its JSON text. */
  required_documents: ColumnType<RequiredDocumentRow[], string | undefined, string>;
  search_terms: Generated<string[]>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  published_at: Date | null;
}

declare module '../platform/db/schema.ts' {
  interface Database { services: ServicesTable; catalogue_version: { only_row: Generated<boolean>; version: number } }
}

export type ServiceRow = Selectable<ServicesTable>;
/** What the catalogue lists of a service: all but its requirements (on its own page). */
const ENTRY_COLUMNS = ['id', 'organisation_id', 'slug', 'category', 'status', 'name_en', 'name_zh_hk', 'name_zh_cn', 'summary_en', 'summary_zh_hk', 'summary_zh_cn',
  'pledge_working_days', 'fee_cents', 'fee_item_id', 'fee_due', 'contact_email', 'version'] as const;
export type CatalogueEntryRow = Pick<ServiceRow, (typeof ENTRY_COLUMNS)[number]>;

export const serviceById = (db: Queryable, id: string) => db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
export const serviceBySlug = (db: Queryable, slug: string) => db.selectFrom('services').selectAll().where('slug', '=', slug).executeTakeFirst();

export const servicesOfOrganisation = (db: Queryable, organisationId: string) =>
  db.selectFrom('services').selectAll().where('organisation_id', '=', organisationId).orderBy('name_en').execute();

export async function insertService(db: Queryable, row: Insertable<ServicesTable>): Promise<ServiceRow> {
  return db.insertInto('services').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Optimistic update: changes the row only if it is still at `version`. */
export async function updateService(db: Queryable, id: string, version: number, changes: Updateable<ServicesTable>): Promise<ServiceRow | undefined> {
  return db.updateTable('services').set({ ...changes, version: version + 1, updated_at: new Date() })
    .where('id', '=', id).where('version', '=', version).returningAll().executeTakeFirst();
}

export interface CatalogueQuery { terms: string[]; category?: string | undefined; organisationId?: string | undefined; limit: number; offset: number }

/** Published services matching every term, with the total count, in one query. */
export async function searchPublished(db: Queryable, q: CatalogueQuery): Promise<{ rows: CatalogueEntryRow[]; total: number }> {
  let query = db.selectFrom('services').where('status', '=', 'published');
  // One array parameter (a bare JS array would be expanded into a list).
  if (q.terms.length > 0) query = query.where('search_terms', '@>', sql<string[]>`${sql.val(q.terms)}::text[]`);
  if (q.category) query = query.where('category', '=', q.category);
  if (q.organisationId) query = query.where('organisation_id', '=', q.organisationId);
  // id after the name: services with the same name keep one order from page to page.
  const rows = await query.select(ENTRY_COLUMNS).select((eb) => eb.fn.countAll<number>().over().as('total'))
    .orderBy('name_en').orderBy('id').limit(q.limit).offset(q.offset).execute();
  return { rows, total: Number(rows[0]?.total ?? 0) };
}

/** Moved on by every statement that changes services (a trigger), in the same transaction. */
export async function catalogueVersion(db: Queryable): Promise<number> {
  const row = await db.selectFrom('catalogue_version').select('version').executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Published services per organisation (the catalogue's "browse by department"). */
export async function organisationCounts(db: Queryable): Promise<{ organisationId: string; count: number }[]> {
  const rows = await db.selectFrom('services').where('status', '=', 'published').select(['organisation_id', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('organisation_id').execute();
  return rows.map((r) => ({ organisationId: r.organisation_id, count: Number(r.count) }));
}

export async function categoryCounts(db: Queryable): Promise<{ category: string; count: number }[]> {
  const rows = await db.selectFrom('services').where('status', '=', 'published').select(['category', (eb) => eb.fn.countAll<number>().as('count')]).groupBy('category').execute();
  return rows.map((r) => ({ category: r.category, count: Number(r.count) }));
}

// --- Forms and applications ---

export type FormStatus = 'draft' | 'live' | 'archived';
export type ApplicationStatus = 'draft' | 'awaiting_payment' | 'submitted' | 'information_requested' | 'recommended' | 'payment_due' | 'approved' | 'rejected' | 'withdrawn';

interface ServiceFormsTable {
  id: Generated<string>;
  service_id: string;
  version: number;
  status: Generated<FormStatus>;
  definition: unknown;
  /** Counts in-place edits of a draft version, so that an edit made from a stale page is refused. */
  revision: Generated<number>;
  created_at: Generated<Date>;
  published_at: Date | null;
}
interface ApplicationsTable {
  id: Generated<string>;
  reference: string;
  service_id: string;
  form_id: string;
  organisation_id: string;
  citizen_id: string;
  status: Generated<ApplicationStatus>;
  answers: Generated<Record<string, string>>;
  recommended_by: string | null;
  decided_by: string | null;
  /** The colleague working the application (a staff account of its department); null while unassigned. */
  assignee_id: string | null;
  decision_reason: string | null;
  submitted_at: Date | null;
  decided_at: Date | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
interface ApplicationEventsTable {
  id: Generated<number>;
  application_id: string;
  occurred_at: Generated<Date>;
  actor_kind: string;
  actor_label: string;
  kind: string;
  message: string | null;
}
declare module '../platform/db/schema.ts' {
  interface Database { service_forms: ServiceFormsTable; applications: ApplicationsTable; application_events: ApplicationEventsTable }
}

export type FormRow = Selectable<ServiceFormsTable>;
export type ApplicationRow = Selectable<ApplicationsTable>;
export type ApplicationEventRow = Selectable<ApplicationEventsTable>;

export const formsOfService = (db: Queryable, serviceId: string) =>
  db.selectFrom('service_forms').selectAll().where('service_id', '=', serviceId).orderBy('version', 'desc').execute();
export const formById = (db: Queryable, id: string) => db.selectFrom('service_forms').selectAll().where('id', '=', id).executeTakeFirst();
export const liveForm = (db: Queryable, serviceId: string) =>
  db.selectFrom('service_forms').selectAll().where('service_id', '=', serviceId).where('status', '=', 'live').executeTakeFirst();

export async function insertForm(db: Queryable, serviceId: string, definition: unknown): Promise<FormRow> {
  const next = await db.selectFrom('service_forms').select((eb) => eb.fn.max('version').as('v')).where('service_id', '=', serviceId).executeTakeFirst();
  return db.insertInto('service_forms').values({ service_id: serviceId, version: Number(next?.v ?? 0) + 1, definition: JSON.stringify(definition), published_at: null })
    .returningAll().executeTakeFirstOrThrow();
}

/** Form edits of one service queue here, so that each one sees the latest version. */
export const lockServiceForms = (trx: Queryable, serviceId: string) => trx.selectFrom('services').select('id').where('id', '=', serviceId).forUpdate().executeTakeFirst();

export const latestForm = (db: Queryable, serviceId: string) =>
  db.selectFrom('service_forms').selectAll().where('service_id', '=', serviceId).orderBy('version', 'desc').limit(1).executeTakeFirst();

/** Changes a draft version in place, only if it is still a draft at `revision`. */
export async function updateFormDraft(db: Queryable, id: string, revision: number, definition: unknown): Promise<FormRow | undefined> {
  return db.updateTable('service_forms').set({ definition: JSON.stringify(definition), revision: revision + 1 })
    .where('id', '=', id).where('status', '=', 'draft').where('revision', '=', revision).returningAll().executeTakeFirst();
}

/** Makes one form version live and archives the one it replaces. */
export async function makeFormLive(db: Queryable, form: FormRow): Promise<void> {
  await db.updateTable('service_forms').set({ status: 'archived' }).where('service_id', '=', form.service_id).where('status', '=', 'live').execute();
  await db.updateTable('service_forms').set({ status: 'live', published_at: new Date() }).where('id', '=', form.id).execute();
}

export async function nextReference(db: Queryable): Promise<string> {
  const { rows } = await sql<{ n: number }>`SELECT nextval('application_reference_seq') AS n`.execute(db);
  return `SG-${new Date().getFullYear()}-${String(rows[0]!.n).padStart(7, '0')}`;
}

export const applicationById = (db: Queryable, id: string) => db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
export const draftOf = (db: Queryable, citizenId: string, serviceId: string) =>
  db.selectFrom('applications').selectAll().where('citizen_id', '=', citizenId).where('service_id', '=', serviceId).where('status', '=', 'draft').executeTakeFirst();

/** In a transaction: holds the application until it commits, so that its changes (a step's files, the cleanup of an
 * abandoned draft) queue one behind the other; undefined if it is gone. */
export const lockApplication = (trx: Queryable, id: string) =>
  trx.selectFrom('applications').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export async function insertApplication(db: Queryable, row: Insertable<ApplicationsTable>): Promise<ApplicationRow> {
  return db.insertInto('applications').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Moves an application on only from the state the caller saw; undefined if it was no longer there. */
export async function updateApplication(db: Queryable, id: string, from: ApplicationStatus[], changes: Updateable<ApplicationsTable>): Promise<ApplicationRow | undefined> {
  return db.updateTable('applications').set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id).where('status', 'in', from).returningAll().executeTakeFirst();
}

/**
 * Writes one step's answers into a draft, merged in the statement itself: two steps saved at once (two tabs) each keep
 * their answers, where writing back the whole object read earlier would lose one of them.
 */
export async function mergeDraftAnswers(db: Queryable, id: string, stepAnswers: Record<string, string>): Promise<ApplicationRow | undefined> {
  return db.updateTable('applications')
    .set((eb) => ({ answers: sql`answers || ${JSON.stringify(stepAnswers)}::jsonb`, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id).where('status', '=', 'draft').returningAll().executeTakeFirst();
}

/** Takes keys out of a draft's answers and sets others, in one statement (removing a repeated entry renumbers the rest). */
export async function rewriteDraftAnswers(db: Queryable, id: string, remove: string[], set: Record<string, string>): Promise<ApplicationRow | undefined> {
  return db.updateTable('applications')
    .set((eb) => ({ answers: sql`(answers - ${sql.val(remove)}::text[]) || ${JSON.stringify(set)}::jsonb`, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id).where('status', '=', 'draft').returningAll().executeTakeFirst();
}

/**
 * Submits the citizen's draft in one statement: its new status ('awaiting_payment' when its service charges a fee due on submission,
 * else 'submitted') and the event that records it. Returns the row, with its form's definition and its service's fee
 * item for the caller to check before committing; undefined if the citizen has no such draft.
 */
export async function submitDraft(db: Queryable, id: string, citizenId: string, actorLabel: string) {
  const now = new Date();
  return db.with('moved', (qb) => qb.updateTable('applications as a').from('services as s')
    .set((eb) => ({
      status: sql<ApplicationStatus>`CASE WHEN s.fee_item_id IS NULL OR s.fee_due = 'approval' THEN 'submitted' ELSE 'awaiting_payment' END`,
      submitted_at: sql<Date | null>`CASE WHEN s.fee_item_id IS NULL OR s.fee_due = 'approval' THEN ${now}::timestamptz END`,
      version: eb('a.version', '+', 1), updated_at: now,
    }))
    .whereRef('s.id', '=', 'a.service_id').where('a.id', '=', id).where('a.citizen_id', '=', citizenId).where('a.status', '=', 'draft')
    .returningAll('a').returning('s.fee_item_id'))
    .with('event', (qb) => qb.insertInto('application_events').columns(['application_id', 'actor_kind', 'actor_label', 'kind', 'message'])
      .expression((eb) => eb.selectFrom('moved').select((m) => [m.ref('moved.id').as('application_id'), sql<string>`'citizen'`.as('actor_kind'),
        sql<string>`${actorLabel}::text`.as('actor_label'), m.ref('moved.status').as('kind'), sql<null>`NULL::text`.as('message')])))
    .selectFrom('moved').innerJoin('service_forms as f', 'f.id', 'moved.form_id').selectAll('moved').select('f.definition').executeTakeFirst();
}

export async function addEvent(db: Queryable, row: Insertable<ApplicationEventsTable>): Promise<void> {
  await db.insertInto('application_events').values(row).execute();
}
export const eventsOf = (db: Queryable, applicationId: string) =>
  db.selectFrom('application_events').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();

export interface QueueFilter {
  organisationId: string; status?: ApplicationStatus | undefined; serviceId?: string | undefined;
  /** A staff id, or null for the unassigned ones; undefined: anyone's. */
  assigneeId?: string | null | undefined;
  /** Pledge due dates (YYYY-MM-DD, inclusive) of the applications the department still works on. */
  dueFrom?: string | undefined; dueTo?: string | undefined;
  limit: number; offset: number;
}

/** The department is still working on these: a pledge due date can be missed. */
export const OPEN_STATUSES: ApplicationStatus[] = ['submitted', 'information_requested', 'recommended'];

/** The pledge's due date: `pledge_working_days` weekdays after the (UTC) day of submission, as pledgeDue computes it. */
const pledgeDueSql = sql<string | null>`CASE WHEN a.submitted_at IS NOT NULL AND s.pledge_working_days > 0 THEN (
  SELECT to_char(d, 'YYYY-MM-DD') FROM generate_series((a.submitted_at AT TIME ZONE 'UTC')::date + 1, (a.submitted_at AT TIME ZONE 'UTC')::date + s.pledge_working_days * 2 + 7, interval '1 day') d
  WHERE extract(isodow FROM d) < 6 ORDER BY d OFFSET greatest(s.pledge_working_days - 1, 0) LIMIT 1) END`;

export async function queue(db: Queryable, f: QueueFilter) {
  const rows = db.selectFrom('applications as a').innerJoin('services as s', 's.id', 'a.service_id')
    .select(['a.id', 'a.reference', 'a.status', 'a.submitted_at', 'a.service_id', 'a.assignee_id', 's.name_en', 's.name_zh_hk', 's.name_zh_cn', 's.pledge_working_days'])
    .select(pledgeDueSql.as('pledge_due'))
    .where('a.organisation_id', '=', f.organisationId).where('a.status', 'not in', ['draft', 'awaiting_payment']);
  let query = db.selectFrom(rows.as('q')).selectAll();
  if (f.status) query = query.where('q.status', '=', f.status);
  if (f.serviceId) query = query.where('q.service_id', '=', f.serviceId);
  if (f.assigneeId !== undefined) query = query.where('q.assignee_id', f.assigneeId === null ? 'is' : '=', f.assigneeId);
  if (f.dueFrom || f.dueTo) query = query.where('q.status', 'in', OPEN_STATUSES);
  if (f.dueFrom) query = query.where('q.pledge_due', '>=', f.dueFrom);
  if (f.dueTo) query = query.where('q.pledge_due', '<=', f.dueTo);
  return query.orderBy(sql`q.pledge_due ASC NULLS LAST`).orderBy('q.submitted_at').orderBy('q.reference').limit(f.limit).offset(f.offset).execute();
}

/** Sets (or clears) the application's assignee, provided it is still at `version`. */
export const setAssignee = (db: Queryable, id: string, version: number, assigneeId: string | null) =>
  db.updateTable('applications').set((eb) => ({ assignee_id: assigneeId, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id).where('version', '=', version).returningAll().executeTakeFirst();

export const applicationsOfCitizen = (db: Queryable, citizenId: string) =>
  db.selectFrom('applications as a').innerJoin('services as s', 's.id', 'a.service_id')
    .select(['a.id', 'a.reference', 'a.status', 'a.updated_at', 's.name_en', 's.name_zh_hk', 's.name_zh_cn'])
    .where('a.citizen_id', '=', citizenId).orderBy('a.created_at', 'desc').limit(200).execute();

// --- Files attached to answers ---

interface ApplicationFilesTable {
  id: Generated<string>;
  application_id: string;
  question_id: string;
  file_key: string;
  file_name: string;
  size_bytes: number;
  sha256: string;
  content_type: string;
  created_at: Generated<Date>;
}
declare module '../platform/db/schema.ts' {
  interface Database { application_files: ApplicationFilesTable }
}
export type ApplicationFileRow = Selectable<ApplicationFilesTable>;

export const filesOfApplication = (db: Queryable, applicationId: string) =>
  db.selectFrom('application_files').selectAll().where('application_id', '=', applicationId).orderBy('created_at').execute();

/** Keeps a file as the answer to a question, replacing any earlier one; returns the replaced row, whose bytes the caller
 * deletes. Run it with the application locked (lockApplication): two replacements of one answer at once would otherwise
 * both delete nothing and both insert. */
export async function replaceApplicationFile(db: Queryable, row: Insertable<ApplicationFilesTable>): Promise<{ saved: ApplicationFileRow; replaced?: ApplicationFileRow | undefined }> {
  const replaced = await db.deleteFrom('application_files').where('application_id', '=', row.application_id).where('question_id', '=', row.question_id).returningAll().executeTakeFirst();
  const saved = await db.insertInto('application_files').values({ ...row, size_bytes: Number(row.size_bytes) }).returningAll().executeTakeFirstOrThrow();
  return { saved, replaced };
}

// --- Abandoned drafts ---

/**
 * Deletes up to `limit` drafts last changed before `cutoff`, with their files' rows and events; returns each one with
 * the keys of its files (whose bytes the caller deletes after commit). A draft a citizen is saving right now is locked,
 * so skipped; one saved since the statement began no longer matches (PostgreSQL re-checks the newest version it locks).
 */
export async function deleteDraftsUnchangedSince(trx: Queryable, cutoff: Date, limit: number) {
  const drafts = await trx.selectFrom('applications').select(['id', 'organisation_id', 'service_id', 'updated_at'])
    .where('status', '=', 'draft').where('updated_at', '<', cutoff).orderBy('updated_at').limit(limit).forUpdate().skipLocked().execute();
  if (drafts.length === 0) return [];
  const ids = drafts.map((d) => d.id);
  const files = await trx.deleteFrom('application_files').where('application_id', 'in', ids).returning(['application_id', 'file_key']).execute();
  await trx.deleteFrom('application_events').where('application_id', 'in', ids).execute();
  await trx.deleteFrom('applications').where('id', 'in', ids).where('status', '=', 'draft').execute();
  return drafts.map((d) => ({ ...d, fileKeys: files.filter((f) => f.application_id === d.id).map((f) => f.file_key) }));
}
