import type { Db, Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireCitizen, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, DomainError, invalidInput, notFound } from '../platform/errors.ts';
import { answerProblem, stepComplete, stepPath, nextStepId, type Answers, type FormDefinition, type PrefillField } from './form-definition.ts';
import { presentService, type Service } from './service.ts';
import * as store from './store.ts';
import { finishEntries } from './repeatable.ts';
import { attachFiles, checkStepUploads, type StepUploads } from './attachment.ts';
import { loadProfile } from '../identity/index.ts';
import { getStaffMember, listStaffMembers } from '../organisations/index.ts';
import { issueDocument } from '../wallet/index.ts';
import { createPayment, type PaymentDeps } from '../payments/index.ts';
import type { Mailer } from '../platform/mail/index.ts';

export interface ApplicationView {
  application: store.ApplicationRow;
  definition: FormDefinition;
  service: Service;
  events: store.ApplicationEventRow[];
}

async function load(db: Db | Trx, row: store.ApplicationRow | undefined): Promise<ApplicationView> {
  const [form, service, events] = await Promise.all([store.formById(db, row!.form_id), store.serviceById(db, row!.service_id), store.eventsOf(db, row!.id)]);
  return { application: row!, definition: form!.definition as FormDefinition, service: presentService(service!), events };
}

/** A citizen's own application; anyone else's is "not found". */
export async function getOwnApplication(db: Db, ctx: RequestContext, id: string): Promise<ApplicationView> {
  const citizen = requireCitizen(ctx.actor);
  const row = await store.applicationById(db, id);
  if (!row || row.citizen_id !== citizen.id) throw notFound('The application');
  return load(db, row);
}

/** An application to the officer's own organisation; another organisation's is "not found". */
export async function getOrganisationApplication(db: Db, ctx: RequestContext, id: string): Promise<ApplicationView> {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  const row = await store.applicationById(db, id);
  // Until it is submitted (and paid for), an application is the citizen's alone.
  assertOrganisationRecord(staff, row && !['draft', 'awaiting_payment'].includes(row.status) ? row.organisation_id : null, 'The application');
  return load(db, row);
}

/** Resumes the citizen's draft for this service, or starts one on the live form (then offering e-ME details, if any fit). */
export async function startApplication(db: Db, ctx: RequestContext, slug: string): Promise<{ id: string; firstStep: string; offerPrefill: boolean }> {
  const citizen = requireCitizen(ctx.actor);
  return db.transaction().execute(async (trx) => {
    const service = await store.serviceBySlug(trx, slug);
    const form = service?.status === 'published' ? await store.liveForm(trx, service.id) : undefined;
    if (!service || !form) throw notFound('An online application for this service');
    const definition = form.definition as FormDefinition;
    const draft = await store.draftOf(trx, citizen.id, service.id);
    const offerPrefill = definition.steps.some((step) => step.questions.some((q) => q.prefill));
    if (draft) return { id: draft.id, firstStep: definition.steps[0]!.id, offerPrefill: false };
    const row = await store.insertApplication(trx, {
      reference: await store.nextReference(trx), service_id: service.id, form_id: form.id, organisation_id: service.organisation_id, citizen_id: citizen.id,
      recommended_by: null, decided_by: null, decision_reason: null, submitted_at: null, decided_at: null,
    });
    await recordAudit(trx, ctx, { action: 'application.started', recordType: 'application', recordId: row.id, organisationId: row.organisation_id });
    return { id: row.id, firstStep: definition.steps[0]!.id, offerPrefill };
  });
}

/** One step as sent: its answers, and the files for its file questions (already in the file store). */
export interface SentStep { answers: Answers; sent?: StepUploads }

/** Checks and keeps one step's answers (save and resume come free: answers live on the draft). A file question keeps
 * its earlier file unless a new one is sent, which replaces it. The step is read (its files stored) only once the
 * application is known to be the citizen's own draft, so a refused request stores nothing. */
export async function saveStep(db: Db, ctx: RequestContext, id: string, stepId: string, read: () => Promise<SentStep>): Promise<string> {
  const view = await getOwnApplication(db, ctx, id);
  if (view.application.status !== 'draft') throw conflict('This application has been submitted and can no longer be changed.');
  const step = view.definition.steps.find((s) => s.id === stepId);
  if (!step) throw notFound('That step');
  // A repeatable step's entries are saved one by one (see repeatable.ts); continuing only checks how many there are.
  if (step.repeat) return finishEntries(view, step);
  const { answers: input, sent } = await read();
  const { accepted, problems } = await checkStepUploads(step, sent);
  const given: Answers = { ...input };
  for (const q of step.questions) if (q.type === 'file') given[q.id] = accepted.has(q.id) ? 'attached' : (view.application.answers[q.id] ?? '');
  const fields = [...problems, ...step.questions.flatMap((q) => {
    const problem = problems.some((p) => p.field === q.id) ? undefined : answerProblem(q, given[q.id]);
    return problem ? [{ field: q.id, reason: problem }] : [];
  })];
  if (fields.length) throw invalidInput(fields, 'Some answers need attention.');
  const stepAnswers: Answers = {};
  for (const q of step.questions) {
    const value = (given[q.id] ?? '').trim();
    if (q.type !== 'file') stepAnswers[q.id] = q.type === 'id_number' ? value.toUpperCase() : value;
  }
  // Not a draft any more: submitted since (a conflict), or deleted as abandoned by the draft cleanup (gone).
  const stale = async () => ((await store.applicationById(db, id)) ? conflict('This application has been submitted and can no longer be changed.') : notFound('The application'));
  let saved: store.ApplicationRow | undefined;
  if (accepted.size === 0) {
    saved = await store.mergeDraftAnswers(db, id, stepAnswers);
    if (!saved) throw await stale();
  } else {
    const result = await db.transaction().execute(async (trx) => {
      // Locked first: the same step sent twice at once saves one file after the other, and the draft cleanup
      // (which skips locked drafts) cannot delete the draft under the files' rows.
      const locked = await store.lockApplication(trx, id);
      if (!locked) throw notFound('The application');
      if (locked.status !== 'draft') throw conflict('This application has been submitted and can no longer be changed.');
      const attached = await attachFiles(trx, ctx, view.application, accepted);
      const row = await store.mergeDraftAnswers(trx, id, { ...stepAnswers, ...attached.answers });
      return { row, replacedKeys: attached.replacedKeys };
    });
    saved = result.row;
    await Promise.all(result.replacedKeys.map((key) => sent!.files.delete(key)));
  }
  return nextStepId(view.definition, saved?.answers ?? stepAnswers, stepId);
}

/** The first step on the person's path that still has a missing or bad answer. */
export function firstIncompleteStep(definition: FormDefinition, answers: Answers): string | undefined {
  return stepPath(definition, answers).find((s) => !stepComplete(s, answers))?.id;
}

/** Submits once: a repeated submission (a double click, a retried request) returns the same application. With a fee, the
 * application waits for its payment, and the payment's settlement submits it (see onFeeSettled). */
export async function submitApplication(db: Db, payments: PaymentDeps, notify: SubmissionNotice, ctx: RequestContext, id: string): Promise<{ application: store.ApplicationRow; payUrl?: string }> {
  const citizen = requireCitizen(ctx.actor);
  // The draft is moved on first and checked after, in one transaction that a missing answer rolls back: one statement
  // then the audit entry, since round trips are most of a submission's cost.
  const submitted = await db.transaction().execute(async (trx) => {
    const found = await store.submitDraft(trx, id, citizen.id, ctx.actor.label);
    if (!found) return undefined;
    const { definition, fee_item_id: _fee, ...moved } = found;
    const incomplete = firstIncompleteStep(definition as FormDefinition, moved.answers);
    if (incomplete) throw invalidInput([{ field: incomplete, reason: 'required' }], 'Some questions still need an answer.');
    await recordAudit(trx, ctx, { action: `application.${moved.status}`, recordType: 'application', recordId: id, organisationId: moved.organisation_id, detail: { reference: moved.reference } });
    if (moved.status === 'submitted') await notify(trx, moved);
    return moved;
  });
  if (submitted?.status === 'submitted') return { application: submitted };
  // Waiting for its fee, or not a draft of this citizen's (any more, or at all): as it is now, with the payment to make.
  const view = await getOwnApplication(db, ctx, id);
  if (view.application.status !== 'awaiting_payment') return { application: view.application };
  return { application: view.application, payUrl: (await payFee(payments, ctx, view)).payUrl };
}

/** The fee payment: the same one while it is under way; a new one after a failed or cancelled attempt. */
export async function payFee(payments: PaymentDeps, ctx: RequestContext, view: ApplicationView) {
  if (!['awaiting_payment', 'payment_due'].includes(view.application.status) || !view.service.feeItemId) throw conflict('This application has no fee waiting to be paid.');
  for (let attempt = 1; attempt <= 20; attempt++) {
    const { payment } = await createPayment(payments, ctx, {
      itemId: view.service.feeItemId, purpose: FEE_PURPOSE, reference: view.application.id,
      idempotencyKey: `application-fee:${view.application.id}:${attempt}`, idempotencyScope: `application:${view.application.id}`,
    });
    if (!payment.finished || payment.state === 'success') return payment;
  }
  throw conflict('Too many payment attempts for this application; contact the department.');
}

export const FEE_PURPOSE = 'application_fee';

/** Runs in the payment's settlement transaction: the application is submitted exactly when its fee is paid, or, when
 * the fee was due on approval, approved and its licence issued. */
export async function onFeeSettled(trx: Trx, ctx: RequestContext, payment: { reference: string | null }, notify: SubmissionNotice, signingSecret: string): Promise<void> {
  if (!payment.reference) return;
  const approved = await store.updateApplication(trx, payment.reference, ['payment_due'], { status: 'approved' });
  if (approved) {
    await store.addEvent(trx, { application_id: approved.id, actor_kind: 'system', actor_label: 'payment', kind: 'approved', message: null });
    await recordAudit(trx, ctx, { action: 'application.approved', recordType: 'application', recordId: approved.id, organisationId: approved.organisation_id, detail: { reference: approved.reference, paid: true } });
    await issueLicence(trx, ctx, signingSecret, approved);
    return;
  }
  const row = await store.updateApplication(trx, payment.reference, ['awaiting_payment'], { status: 'submitted', submitted_at: new Date() });
  if (!row) return;
  await store.addEvent(trx, { application_id: row.id, actor_kind: 'system', actor_label: 'payment', kind: 'submitted', message: null });
  await recordAudit(trx, ctx, { action: 'application.submitted', recordType: 'application', recordId: row.id, organisationId: row.organisation_id, detail: { reference: row.reference, paid: true } });
  await notify(trx, row);
}

/** Tells the applicant their application arrived; runs in the submitting transaction (the outbox is a table). */
export type SubmissionNotice = (trx: Trx, application: store.ApplicationRow) => Promise<void>;

export function submissionEmail(mailer: (trx: Trx) => Mailer): SubmissionNotice {
  return async (trx, application) => {
    const [profile, service] = await Promise.all([loadProfile(trx, application.citizen_id), store.serviceById(trx, application.service_id)]);
    const to = profile.email?.value;
    if (!to || !service) return;
    const pledge = service.pledge_working_days ? ` within ${service.pledge_working_days} working days` : '';
    await mailer(trx).send({
      to, subject: `Application ${application.reference} received: ${service.name_en}`,
      text: `We have received your application ${application.reference} for "${service.name_en}" (${service.name_zh_hk}).\n\n`
        + `What happens next: the department will check it${pledge}. Follow every step, and answer any request for information, under "My applications".\n`,
    });
  };
}

/** Tells the applicant their application is approved and its fee is now due; the licence follows the payment. */
export function paymentDueEmail(mailer: (trx: Trx) => Mailer, baseUrl: string): SubmissionNotice {
  return async (trx, application) => {
    const [profile, service] = await Promise.all([loadProfile(trx, application.citizen_id), store.serviceById(trx, application.service_id)]);
    const to = profile.email?.value;
    if (!to || !service) return;
    const amount = `HK$${(service.fee_cents / 100).toFixed(2)}`;
    await mailer(trx).send({
      to, subject: `Application ${application.reference} approved: please pay the fee`,
      text: `Your application ${application.reference} for "${service.name_en}" (${service.name_zh_hk}) is approved.\n\n`
        + `Pay the fee of ${amount} to receive your licence in your wallet: ${baseUrl}/applications/${application.id}\n`,
    });
  };
}

type Transition = {
  from: store.ApplicationStatus[]; to: store.ApplicationStatus; event: string; message?: string | undefined; extra?: Parameters<typeof store.updateApplication>[3];
  /** More work in the same transaction, e.g. issuing the licence that an approval grants. */
  then?: (trx: Trx, row: store.ApplicationRow) => Promise<void>;
};

async function transition(db: Db, ctx: RequestContext, view: ApplicationView, t: Transition): Promise<store.ApplicationRow> {
  return db.transaction().execute(async (trx) => {
    const row = await store.updateApplication(trx, view.application.id, t.from, { status: t.to, ...t.extra });
    if (!row) throw conflict('The application has moved on since you opened it. Reload it to see where it is now.');
    await store.addEvent(trx, { application_id: row.id, actor_kind: ctx.actor.kind, actor_label: ctx.actor.label, kind: t.event, message: t.message ?? null });
    await recordAudit(trx, ctx, { action: `application.${t.event}`, recordType: 'application', recordId: row.id, organisationId: row.organisation_id, detail: { from: view.application.status, to: t.to } });
    await t.then?.(trx, row);
    return row;
  });
}

const message = (text: string | undefined, what: string) => {
  const value = (text ?? '').trim();
  if (!value || value.length > 4000) throw invalidInput([{ field: 'message', reason: value ? 'too_long' : 'required' }], `Write ${what}.`);
  return value;
};

export async function withdrawApplication(db: Db, ctx: RequestContext, id: string) {
  return transition(db, ctx, await getOwnApplication(db, ctx, id), { from: ['awaiting_payment', 'payment_due', 'submitted', 'information_requested', 'recommended'], to: 'withdrawn', event: 'withdrawn' });
}

export async function answerInformationRequest(db: Db, ctx: RequestContext, id: string, text: string | undefined) {
  return transition(db, ctx, await getOwnApplication(db, ctx, id), { from: ['information_requested'], to: 'submitted', event: 'information_provided', message: message(text, 'the information asked for') });
}

export async function requestInformation(db: Db, ctx: RequestContext, id: string, text: string | undefined) {
  requireRole(ctx.actor, 'officer', 'approver');
  return transition(db, ctx, await getOrganisationApplication(db, ctx, id), { from: ['submitted', 'recommended'], to: 'information_requested', event: 'information_requested', message: message(text, 'what you need and why') });
}

export async function recommendApplication(db: Db, ctx: RequestContext, id: string, note: string | undefined) {
  const officer = requireRole(ctx.actor, 'officer');
  return transition(db, ctx, await getOrganisationApplication(db, ctx, id), { from: ['submitted'], to: 'recommended', event: 'recommended', message: note?.trim() || undefined, extra: { recommended_by: officer.id } });
}

/** The licence an approval grants, into the citizen's wallet. */
async function issueLicence(trx: Trx, ctx: RequestContext, signingSecret: string, row: store.ApplicationRow) {
  const [profile, service] = await Promise.all([loadProfile(trx, row.citizen_id), store.serviceById(trx, row.service_id)]);
  const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  await issueDocument(trx, ctx, signingSecret, {
    citizenId: row.citizen_id, organisationId: row.organisation_id, kind: 'licence', title: { en: service!.name_en, 'zh-HK': service!.name_zh_hk },
    holderName: profile.name_en?.value ?? profile.name_zh?.value ?? row.answers.fullName ?? '', claims: { Reference: row.reference }, sourceReference: row.reference, validUntil,
  });
}

/** An approver decides a recommended application; never the person who recommended it. Approval issues the licence into
 * the wallet, unless the service's fee is due on approval and was not paid on submission: then the application waits
 * for that payment (payment_due), whose settlement issues the licence (onFeeSettled). */
export async function decideApplication(db: Db, ctx: RequestContext, signingSecret: string, id: string, decision: 'approved' | 'rejected', reason: string | undefined, paymentDue?: SubmissionNotice) {
  const approver = requireRole(ctx.actor, 'approver');
  const view = await getOrganisationApplication(db, ctx, id);
  if (view.application.recommended_by === approver.id) throw new DomainError('forbidden', 'You recommended this application; another approver must decide it.');
  const why = decision === 'rejected' ? message(reason, 'the reasons for the decision') : reason?.trim() || undefined;
  const extra = { decided_by: approver.id, decided_at: new Date(), decision_reason: why ?? null };
  const paidOnSubmission = view.events.some((e) => e.kind === 'awaiting_payment');
  if (decision === 'approved' && view.service.feeItemId && view.service.feeDue === 'approval' && !paidOnSubmission) {
    return transition(db, ctx, view, { from: ['recommended'], to: 'payment_due', event: 'payment_due', message: why, extra, then: async (trx, row) => paymentDue?.(trx, row) });
  }
  return transition(db, ctx, view, {
    from: ['recommended'], to: decision, event: decision, message: why, extra,
    ...(decision === 'approved' ? { then: (trx: Trx, row: store.ApplicationRow) => issueLicence(trx, ctx, signingSecret, row) } : {}),
  });
}

export async function listOwnApplications(db: Db, ctx: RequestContext) {
  return store.applicationsOfCitizen(db, requireCitizen(ctx.actor).id);
}

export async function applicationQueue(db: Db, ctx: RequestContext, filter: Omit<store.QueueFilter, 'organisationId'>) {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  const [rows, members] = await Promise.all([store.queue(db, { ...filter, organisationId: staff.organisationId }), listStaffMembers(db, staff.organisationId)]);
  const names = new Map<string, string | undefined>(members.map((m) => [m.id, m.displayName]));
  // Assignees are of the department when assigned; one since moved elsewhere is still named.
  for (const id of new Set(rows.map((r) => r.assignee_id))) if (id && !names.has(id)) names.set(id, (await getStaffMember(db, id))?.displayName);
  return rows.map((row) => ({ ...row, assignee_name: row.assignee_id ? names.get(row.assignee_id) ?? null : null }));
}

/** The citizen's applications that wait for them: drafts to finish and information departments asked for. */
export async function applicationsAwaitingCitizen(db: Db, citizenId: string) {
  return (await store.applicationsOfCitizen(db, citizenId)).filter((a) => ['draft', 'information_requested', 'payment_due'].includes(a.status));
}

export interface PrefillOffer { field: PrefillField; value: string; verified: boolean; questions: string[] }

/** What the citizen's e-ME profile could fill in on this form: shown to them before anything is copied. */
export async function prefillOffer(db: Db, ctx: RequestContext, id: string): Promise<{ view: ApplicationView; offers: PrefillOffer[] }> {
  const view = await getOwnApplication(db, ctx, id);
  const profile = await loadProfile(db, view.application.citizen_id);
  const offers = new Map<PrefillField, PrefillOffer>();
  for (const q of view.definition.steps.flatMap((s) => s.questions)) {
    const value = q.prefill ? profile[q.prefill] : undefined;
    if (!q.prefill || !value?.value) continue;
    const offer = offers.get(q.prefill) ?? { field: q.prefill, value: value.value, verified: value.verified, questions: [] };
    offer.questions.push(q.id);
    offers.set(q.prefill, offer);
  }
  return { view, offers: [...offers.values()] };
}

/** Copies only the e-ME fields the citizen agreed to, into questions not yet answered; the consent is recorded. */
export async function applyPrefill(db: Db, ctx: RequestContext, id: string, agreed: string[]): Promise<void> {
  const { view, offers } = await prefillOffer(db, ctx, id);
  if (view.application.status !== 'draft') throw conflict('This application has been submitted and can no longer be changed.');
  const chosen = offers.filter((o) => agreed.includes(o.field));
  const answers = { ...view.application.answers };
  for (const offer of chosen) for (const q of offer.questions) if (!answers[q]) answers[q] = offer.value;
  await db.transaction().execute(async (trx) => {
    await store.updateApplication(trx, id, ['draft'], { answers: JSON.stringify(answers) as never });
    await recordAudit(trx, ctx, { action: 'application.prefill_consented', recordType: 'application', recordId: id, organisationId: view.application.organisation_id, detail: { fields: chosen.map((o) => o.field) } });
  });
}
