import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleRoutes } from '../platform/services.ts';
import { hasRole, requireCitizen, requireRole } from '../platform/access.ts';
import { DomainError, notFound, type FieldError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { labelsFrom, wantsHtml, type FieldLabels } from '../platform/http/problem.ts';
import * as applications from './application.ts';
import { onPaymentReturn, onPaymentSettled, paymentDeps } from '../payments/index.ts';
import { outboxMailer } from '../platform/mail/index.ts';
import { CheckAnswersPage, StepPage } from './views/apply.tsx';
import { ApplicationPage, MyApplicationsPage } from './views/applications.tsx';
import { OfficerApplicationPage, pledgeDue, QueuePage } from './views/officer.tsx';
import { assignApplication, caseworkers, queueChoices } from './assignment.ts';
import { PrefillPage } from './views/prefill.tsx';
import { getOrganisationById } from '../organisations/index.ts';
import { FileNotFoundError, fileStoreFor, pendingUploadParser, type PendingUpload } from '../platform/files/index.ts';
import { applicationMessages } from './application-messages.ts';
import { removeEntry, saveEntry } from './repeatable.ts';
import { attachmentMaxBytes, discardUnkept, fileOf, filesById, recordFileRead } from './attachment.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Value } from 'typebox/value';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const StepParams = Type.Object({ id: Type.String({ format: 'uuid' }), step: Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,39}$' }) });
const FileParams = Type.Object({ id: Type.String({ format: 'uuid' }), fileId: Type.String({ format: 'uuid' }) });
const Answers = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 5000 }));
const EntryQuery = Type.Object({ entry: Type.Optional(Type.Integer({ minimum: 0, maximum: 49 })) });
const EntryParams = Type.Object({ ...StepParams.properties, entry: Type.Integer({ minimum: 0, maximum: 49 }) });
const QUESTION_ID = /^[a-z][a-zA-Z0-9_]{0,39}$/;
/** Where a multipart step body keeps its pending files: a symbol, so schema validation sees only the answers. */
const SENT = Symbol('uploads');
type StepBody = Record<string, string> & { [SENT]?: PendingUpload };
/** The answers in a step's body (symbol keys are not answers). */
const answersOf = (body: StepBody): Record<string, string> => Object.fromEntries(Object.entries(body));
const MessageBody = Type.Object({ message: Type.Optional(Type.String({ maxLength: 5000 })), decision: Type.Optional(Type.Union([Type.Literal('approved'), Type.Literal('rejected')])), _csrf: Type.Optional(Type.String()) });
const Uuid = Type.String({ format: 'uuid' });
/** A page's fields as its form labels them, from the module's messages. */
const labelled = (labels: (t: ReturnType<typeof applicationMessages>) => Record<string, string>) => labelsFrom(applicationMessages, labels);
const queueLabels = labelled((t) => ({ service: t('queue.service'), status: t('queue.status'), pledge: t('queue.pledge'), assignee: t('queue.assignee') }));
const QueueQuery = Type.Object({
  service: Type.Optional(Type.Union([Type.Literal(''), Uuid])),
  status: Type.Optional(Type.Union([Type.Literal(''), ...['submitted', 'information_requested', 'recommended', 'payment_due', 'approved', 'rejected', 'withdrawn'].map((s) => Type.Literal(s))])),
  pledge: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('overdue'), Type.Literal('soon')])),
  assignee: Type.Optional(Type.Union([Type.Literal(''), Type.Literal('me'), Type.Literal('none'), Uuid])),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
});
/** "Overdue" and "due soon" as pledge due dates (YYYY-MM-DD, inclusive), from today (UTC, like the due dates). */
function pledgeWindow(pledge: '' | 'overdue' | 'soon' | undefined, now = new Date()): { dueFrom?: string; dueTo?: string } {
  const today = now.toISOString().slice(0, 10);
  if (pledge === 'overdue') return { dueTo: new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10) };
  if (pledge === 'soon') return { dueFrom: today, dueTo: pledgeDue(new Date(today), 5) };
  return {};
}
const STATUSES = ['submitted', 'information_requested', 'recommended', 'payment_due', 'approved', 'rejected', 'withdrawn'] as const;

/** Applying online (citizens) and working the queue (officers and approvers). */
export const applicationRoutes: ModuleRoutes = async (app, options) => {
  const { db, config } = options;
  const files = fileStoreFor(config);
  const payments = paymentDeps(options);
  const notify = applications.submissionEmail((trx) => outboxMailer(trx, options.logger));
  const paymentDue = applications.paymentDueEmail((trx) => outboxMailer(trx, options.logger), config.BASE_URL);
  onPaymentSettled(applications.FEE_PURPOSE, (trx, ctx, payment) => applications.onFeeSettled(trx, ctx, payment, notify, config.SESSION_SECRET));
  // The payment page leads back to the application, whose page offers a new payment after a failed or cancelled one.
  onPaymentReturn(applications.FEE_PURPOSE, (payment) => (payment.reference ? `/applications/${payment.reference}` : null));
  const page = (request: FastifyRequest, reply: FastifyReply) => pageContext(request, reply, config.SEED_SAMPLE_DATA);
  const invalid = (error: unknown): FieldError[] | undefined =>
    error instanceof DomainError && error.code === 'invalid_input' ? (error.extra.fields ?? [{ field: 'message', reason: error.message }]) : undefined;

  // --- Citizens ---
  app.post('/services/:slug/apply', { schema: { hide: true, params: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,79}$' }) }) } }, async (request, reply) => {
    requireCitizen(request.actor);
    const started = await applications.startApplication(db, requestContext(request), request.params.slug);
    return reply.redirect(started.offerPrefill ? `/applications/${started.id}/prefill` : `/applications/${started.id}/steps/${started.firstStep}`, 303);
  });

  app.get('/applications/:id/prefill', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    const { view, offers } = await applications.prefillOffer(db, requestContext(request), request.params.id);
    const first = `/applications/${view.application.id}/steps/${view.definition.steps[0]!.id}`;
    if (view.application.status !== 'draft' || offers.length === 0) return reply.redirect(first, 303);
    const department = (await getOrganisationById(db, view.application.organisation_id))?.name[request.locale] ?? '';
    return sendPage(reply, <PrefillPage ctx={page(request, reply)} applicationId={view.application.id} department={department} offers={offers} />);
  });

  app.post('/applications/:id/prefill', {
    schema: { hide: true, params: IdParams, body: Type.Object({ fields: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 })])), _csrf: Type.Optional(Type.String()) }) },
    // The consent boxes' fieldset is legended by the page's title.
    config: { fieldLabels: labelled((t) => ({ fields: t('prefill.title') })) },
  }, async (request, reply) => {
    requireCitizen(request.actor);
    const ctx = requestContext(request);
    const fields = request.body.fields === undefined ? [] : ([] as string[]).concat(request.body.fields);
    await applications.applyPrefill(db, ctx, request.params.id, fields);
    const view = await applications.getOwnApplication(db, ctx, request.params.id);
    return reply.redirect(`/applications/${view.application.id}/steps/${view.definition.steps[0]!.id}`, 303);
  });

  app.get('/applications', { schema: { hide: true } }, async (request, reply) => {
    requireCitizen(request.actor);
    return sendPage(reply, <MyApplicationsPage ctx={page(request, reply)} applications={await applications.listOwnApplications(db, requestContext(request))} />);
  });

  app.get('/applications/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    const view = await applications.getOwnApplication(db, requestContext(request), request.params.id);
    return sendPage(reply, <ApplicationPage ctx={page(request, reply)} view={view} files={await filesById(db, view.application.id)} />);
  });

  app.get('/applications/:id/steps/:step', { schema: { hide: true, params: StepParams, querystring: EntryQuery } }, async (request, reply) => {
    requireCitizen(request.actor);
    const view = await applications.getOwnApplication(db, requestContext(request), request.params.id);
    if (view.application.status !== 'draft') return reply.redirect(`/applications/${view.application.id}`, 303);
    const step = view.definition.steps.find((s) => s.id === request.params.step);
    if (!step) throw new DomainError('not_found', 'That step was not found.');
    return sendPage(reply, <StepPage ctx={page(request, reply)} applicationId={view.application.id} service={view.service} definition={view.definition} step={step} answers={view.application.answers} errors={[]} files={await filesById(db, view.application.id)} fileMaxMb={config.APPLICATION_FILE_MAX_MB} entry={request.query.entry} />);
  });

  // A repeatable step's entries: save one (new or changed), or remove one; both go back to the step's list.
  app.post('/applications/:id/steps/:step/entries/:entry', { schema: { hide: true, params: EntryParams, body: Answers } }, async (request, reply) => {
    requireCitizen(request.actor);
    const view = await applications.getOwnApplication(db, requestContext(request), request.params.id);
    const { step: stepId, entry } = request.params;
    try {
      await saveEntry(db, view, stepId, entry, request.body);
      return reply.redirect(`/applications/${view.application.id}/steps/${stepId}`, 303);
    } catch (error) {
      const fields = invalid(error);
      if (!fields) throw error;
      const step = view.definition.steps.find((s) => s.id === stepId)!;
      return sendPage(reply, <StepPage ctx={page(request, reply)} applicationId={view.application.id} service={view.service} definition={view.definition} step={step} answers={view.application.answers} errors={fields} files={new Map()} fileMaxMb={config.APPLICATION_FILE_MAX_MB} entry={entry} input={request.body} />, 400);
    }
  });
  app.post('/applications/:id/steps/:step/entries/:entry/remove', { schema: { hide: true, params: EntryParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    const view = await applications.getOwnApplication(db, requestContext(request), request.params.id);
    await removeEntry(db, view, request.params.step, request.params.entry);
    return reply.redirect(`/applications/${view.application.id}/steps/${request.params.step}`, 303);
  });

  // A step's answers: a form, or multipart when the step asks for files. A multipart body is parsed only up to its first
  // file (the CSRF token comes first, like any form's); saveStep reads the files into the store only once it has found
  // the citizen's own draft, so a refused request stores nothing. Whatever no answer keeps is deleted before the reply.
  await app.register(async (plugin) => {
    const steps = plugin.withTypeProvider<TypeBoxTypeProvider>();
    const parse = pendingUploadParser(attachmentMaxBytes(config), { fileFields: (name) => QUESTION_ID.test(name), maxFiles: 10 });
    // The body is the form's live field record: fields sent after a file join it as the files are received.
    steps.addContentTypeParser('multipart/form-data', (request, payload, done) =>
      parse(request, payload, (error, body) => done(error, body && Object.assign(body.fields, { [SENT]: body }))));
    const stored = new WeakMap<FastifyRequest, string[]>();
    steps.addHook('onSend', async (request, _reply, payload) => {
      (request.body as StepBody | undefined)?.[SENT]?.discard();
      await discardUnkept(db, files, stored.get(request) ?? []);
      return payload;
    });
    const readStep = (request: FastifyRequest) => async (): Promise<applications.SentStep> => {
      const body = request.body as StepBody;
      const pending = body[SENT];
      if (!pending) return { answers: answersOf(body) };
      const received = await pending.receive(files);
      stored.set(request, Object.values(received.uploads).map((f) => f.key));
      // The route's schema saw only the fields before the first file; the rest are held to the same one here.
      const answers = answersOf(body);
      if (!Value.Check(Answers, answers)) throw new DomainError('invalid_input', 'Some answers are too long.', { fields: [{ field: 'body', reason: 'too_long' }] });
      return { answers, sent: { files, uploads: received.uploads, tooLarge: received.tooLargeFields } };
    };
    steps.post('/applications/:id/steps/:step', { schema: { hide: true, params: StepParams, body: Answers } }, async (request, reply) => {
      requireCitizen(request.actor);
      const ctx = requestContext(request);
      try {
        const next = await applications.saveStep(db, ctx, request.params.id, request.params.step, readStep(request));
        return reply.redirect(next === 'check' ? `/applications/${request.params.id}/check` : `/applications/${request.params.id}/steps/${next}`, 303);
      } catch (error) {
        const fields = invalid(error);
        if (!fields) throw error;
        const input = answersOf(request.body as StepBody);
        const view = await applications.getOwnApplication(db, ctx, request.params.id);
        const step = view.definition.steps.find((s) => s.id === request.params.step)!;
        const answers = { ...view.application.answers, ...Object.fromEntries(Object.entries(input).filter(([key]) => step.questions.some((q) => q.id === key && q.type !== 'file'))) };
        // The page words a question's problem itself; any other (the whole body) is worded here, never the error's English.
        const t = applicationMessages(request.locale);
        const errors = fields.map((f) => (f.field === 'entries' || step.questions.some((q) => q.id === f.field) ? f : { field: f.field, reason: t(f.reason === 'too_long' ? 'apply.answersTooLong' : 'apply.checkAnswers') }));
        return sendPage(reply, <StepPage ctx={page(request, reply)} applicationId={view.application.id} service={view.service} definition={view.definition} step={step} answers={answers} errors={errors} files={await filesById(db, view.application.id)} fileMaxMb={config.APPLICATION_FILE_MAX_MB} />, 400);
      }
    });
  });

  const download = async (reply: FastifyReply, file: Awaited<ReturnType<typeof fileOf>>) => {
    // A row whose bytes are gone (deleted by hand, a cleanup between the look-up and the read) is a missing file.
    const content = await files.get(file.file_key).catch((error: unknown) => { throw error instanceof FileNotFoundError ? notFound('The file') : error; });
    const ascii = file.file_name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    return reply.header('content-type', file.content_type).header('cache-control', 'private, no-store')
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.file_name)}`)
      .send(content);
  };
  app.get('/applications/:id/files/:fileId', { schema: { hide: true, params: FileParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    const view = await applications.getOwnApplication(db, requestContext(request), request.params.id);
    return download(reply, await fileOf(db, view.application.id, request.params.fileId));
  });
  app.get('/console/applications/:id/files/:fileId', { schema: { hide: true, params: FileParams } }, async (request, reply) => {
    requireRole(request.actor, 'officer', 'approver', 'organisation_admin');
    const ctx = requestContext(request);
    const view = await applications.getOrganisationApplication(db, ctx, request.params.id);
    const file = await fileOf(db, view.application.id, request.params.fileId);
    await recordFileRead(db, ctx, view.application, file);
    return download(reply, file);
  });

  app.get('/applications/:id/check', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    const view = await applications.getOwnApplication(db, requestContext(request), request.params.id);
    if (view.application.status !== 'draft') return reply.redirect(`/applications/${view.application.id}`, 303);
    const incomplete = applications.firstIncompleteStep(view.definition, view.application.answers);
    if (incomplete) return reply.redirect(`/applications/${view.application.id}/steps/${incomplete}`, 303);
    return sendPage(reply, <CheckAnswersPage ctx={page(request, reply)} applicationId={view.application.id} service={view.service} definition={view.definition} answers={view.application.answers} files={await filesById(db, view.application.id)} />);
  });

  app.post('/applications/:id/submit', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    try {
      const { payUrl } = await applications.submitApplication(db, payments, notify, requestContext(request), request.params.id);
      return reply.redirect(payUrl ?? `/applications/${request.params.id}`, 303);
    } catch (error) {
      const fields = invalid(error);
      if (!fields) throw error;
      return reply.redirect(`/applications/${request.params.id}/steps/${fields[0]!.field}`, 303);
    }
  });
  app.post('/applications/:id/pay', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    const ctx = requestContext(request);
    const payment = await applications.payFee(payments, ctx, await applications.getOwnApplication(db, ctx, request.params.id));
    return reply.redirect(payment.payUrl, 303);
  });

  const citizenAction = (path: string, act: (ctx: ReturnType<typeof requestContext>, id: string, message: string | undefined) => Promise<unknown>) =>
    app.post(`/applications/:id/${path}`, { schema: { hide: true, params: IdParams, body: MessageBody }, config: { fieldLabels: labelled((t) => ({ message: t('detail.respondLabel') })) } }, async (request, reply) => {
      requireCitizen(request.actor);
      await act(requestContext(request), request.params.id, request.body.message);
      return reply.redirect(`/applications/${request.params.id}`, 303);
    });
  citizenAction('respond', (ctx, id, message) => applications.answerInformationRequest(db, ctx, id, message));
  citizenAction('withdraw', (ctx, id) => applications.withdrawApplication(db, ctx, id));

  // --- Officers and approvers ---
  app.get('/console/applications', { schema: { hide: true, querystring: QueueQuery }, config: { fieldLabels: queueLabels } }, async (request, reply) => {
    const staff = requireRole(request.actor, 'officer', 'approver', 'organisation_admin');
    const ctx = requestContext(request);
    const q = request.query;
    const filters = { service: q.service ?? '', status: q.status ?? '', pledge: q.pledge ?? '', assignee: q.assignee ?? '' } as const;
    const assigneeId = filters.assignee === '' ? undefined : filters.assignee === 'me' ? staff.id : filters.assignee === 'none' ? null : filters.assignee;
    const [rows, choices] = await Promise.all([
      applications.applicationQueue(db, ctx, {
        status: (filters.status || undefined) as (typeof STATUSES)[number] | undefined, serviceId: filters.service || undefined, assigneeId,
        ...pledgeWindow(filters.pledge), limit: 100, offset: q.offset ?? 0,
      }),
      queueChoices(db, ctx),
    ]);
    return sendPage(reply, <QueuePage ctx={page(request, reply)} rows={rows} filters={filters} services={choices.services} colleagues={choices.colleagues} />);
  });

  const officerPage = async (request: FastifyRequest, reply: FastifyReply, id: string, errors: FieldError[] = []) => {
    const staff = requireRole(request.actor, 'officer', 'approver', 'organisation_admin');
    const ctx = requestContext(request);
    const view = await applications.getOrganisationApplication(db, ctx, id);
    const a = view.application;
    const status = a.status;
    const can = {
      requestInformation: (hasRole(staff, 'officer') || hasRole(staff, 'approver')) && ['submitted', 'recommended'].includes(status),
      recommend: hasRole(staff, 'officer') && status === 'submitted',
      decide: hasRole(staff, 'approver') && status === 'recommended' && a.recommended_by !== staff.id,
    };
    const open = ['submitted', 'information_requested', 'recommended', 'payment_due'].includes(status);
    const assigns = hasRole(staff, 'organisation_admin') || hasRole(staff, 'approver');
    const colleagues = await caseworkers(db, ctx);
    const assignment = {
      assignee: colleagues.find((c) => c.id === a.assignee_id), colleagues, errors,
      can: {
        takeIt: open && (hasRole(staff, 'officer') || hasRole(staff, 'approver')) && a.assignee_id !== staff.id,
        assignOthers: open && assigns,
        unassign: open && a.assignee_id !== null && (assigns || a.assignee_id === staff.id),
      },
    };
    return sendPage(reply, <OfficerApplicationPage ctx={page(request, reply)} view={view} files={await filesById(db, a.id)} can={can} assignment={assignment} />, errors.length ? 400 : 200);
  };
  app.get('/console/applications/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => officerPage(request, reply, request.params.id));

  // Take an application, hand it to a colleague of the department, or unassign it ('').
  app.post('/console/applications/:id/assign', {
    schema: { hide: true, params: IdParams, body: Type.Object({ assignee: Type.Union([Type.Literal(''), Type.Literal('me'), Uuid]), _csrf: Type.Optional(Type.String()) }) },
    config: { fieldLabels: labelled((t) => ({ assignee: t('assign.to') })) },
  }, async (request, reply) => {
    requireRole(request.actor, 'officer', 'approver', 'organisation_admin');
    const { assignee } = request.body;
    try {
      await assignApplication(db, requestContext(request), request.params.id, assignee === '' ? null : assignee === 'me' ? { me: true } : { staffId: assignee });
    } catch (error) {
      const fields = invalid(error);
      if (!fields || !wantsHtml(request)) throw error;
      return officerPage(request, reply, request.params.id, fields);
    }
    return reply.redirect(`/console/applications/${request.params.id}`, 303);
  });

  const officerAction = (path: string, fieldLabels: FieldLabels, act: (ctx: ReturnType<typeof requestContext>, id: string, body: { message?: string | undefined; decision?: 'approved' | 'rejected' | undefined }) => Promise<unknown>) =>
    app.post(`/console/applications/:id/${path}`, { schema: { hide: true, params: IdParams, body: MessageBody }, config: { fieldLabels } }, async (request, reply) => {
      requireRole(request.actor, 'officer', 'approver');
      await act(requestContext(request), request.params.id, request.body);
      return reply.redirect(`/console/applications/${request.params.id}`, 303);
    });
  officerAction('request-information', labelled((t) => ({ message: t('officer.requestLabel') })), (ctx, id, body) => applications.requestInformation(db, ctx, id, body.message));
  officerAction('recommend', labelled((t) => ({ message: t('officer.noteLabel') })), (ctx, id, body) => applications.recommendApplication(db, ctx, id, body.message));
  officerAction('decide', labelled((t) => ({ message: t('officer.reasonLabel'), decision: `${t('officer.approve')} / ${t('officer.reject')}` })), (ctx, id, body) => {
    if (!body.decision) throw new DomainError('invalid_input', 'Choose approve or reject.', { fields: [{ field: 'decision', reason: 'is required' }] });
    return applications.decideApplication(db, ctx, config.SESSION_SECRET, id, body.decision, body.message, paymentDue);
  });
};
