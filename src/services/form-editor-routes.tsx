import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleRoutes } from '../platform/services.ts';
import { requireRole } from '../platform/access.ts';
import { DomainError, type FieldError } from '../platform/errors.ts';
import { isLocale, type Locale } from '../platform/i18n/index.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { labelsFrom } from '../platform/http/problem.ts';
import { getOwnService } from './service.ts';
import * as forms from './forms.ts';
import { planEdit, questionValues, stepValues, type Edit, type EditValues } from './form-edits.ts';
import { editorMessages } from './editor-messages.ts';
import { applicationMessages } from './application-messages.ts';
import type { DefinitionError } from './form-definition.ts';
import { FormEditorPage, JsonEditorPage, QuestionEditorPage, StepEditorPage } from './views/form-editor.tsx';

const Id = Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,39}$' });
const Basis = Type.String({ pattern: '^(none|\\d{1,9}\\.\\d{1,9})$' });
const ServiceParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const StepParams = Type.Object({ id: Type.String({ format: 'uuid' }), step: Id });
const QuestionParams = Type.Object({ id: Type.String({ format: 'uuid' }), step: Id, question: Id });
const PreviewQuery = Type.Object({ step: Type.Optional(Id), preview: Type.Optional(Type.String({ maxLength: 5 })) });
const EditBody = Type.Object({
  op: Type.Union(['addStep', 'updateStep', 'removeStep', 'moveStep', 'addQuestion', 'updateQuestion', 'removeQuestion', 'moveQuestion'].map((op) => Type.Literal(op))),
  basis: Basis, step: Type.Optional(Id), question: Type.Optional(Id), direction: Type.Optional(Type.Union([Type.Literal('up'), Type.Literal('down')])), _csrf: Type.Optional(Type.String()),
}, { additionalProperties: Type.String({ maxLength: 5000 }) });
const JsonBody = Type.Object({ definition: Type.String({ maxLength: 200_000 }), basis: Type.Optional(Basis), _csrf: Type.Optional(Type.String()) });

/** The step and question forms' fields as the editor labels them; a routing rule's by its rule (rules 0 to 19 are read). */
const editLabels = labelsFrom(editorMessages, (t) => {
  const labels: Record<string, string> = {
    'e.titleEn': t('editor.titleEn'), 'e.titleZhHk': t('editor.titleZhHk'), 'e.repeat': t('editor.repeat'), 'e.repeatMin': t('editor.repeatMin'), 'e.repeatMax': t('editor.repeatMax'),
    'e.type': t('editor.type'), 'e.labelEn': t('editor.labelEn'), 'e.labelZhHk': t('editor.labelZhHk'), 'e.hintEn': t('editor.hintEn'), 'e.hintZhHk': t('editor.hintZhHk'),
    'e.required': t('editor.requiredLabel'), 'e.options': t('editor.options'), 'e.maxLength': t('editor.maxLength'), 'e.prefill': t('editor.prefill'),
  };
  for (let i = 0; i < 20; i++) {
    for (const field of ['ruleQuestion', 'ruleEquals', 'ruleGoto']) labels[`e.${field}.${i}`] = t('editor.rule', { n: i + 1 });
  }
  return labels;
});
const jsonLabels = labelsFrom(applicationMessages, (t) => ({ definition: t('form.definitionLabel') }));

const errorFields = (error: unknown): FieldError[] | undefined =>
  error instanceof DomainError && error.code === 'invalid_input' ? (error.extra.fields ?? [{ field: 'e.steps', reason: error.message }]) : undefined;

/** A definition's problem in the editor's language (its reason is the API's English); one without a code is a shape the editor never makes. */
function definitionReason(t: ReturnType<typeof editorMessages>, error: DefinitionError): string {
  const p = error.problem;
  switch (p?.problem) {
    case 'duplicate_steps': return t('error.duplicateSteps');
    case 'duplicate_questions': return t('error.duplicateQuestions');
    case 'no_options': return t('error.noOptions', { question: p.question });
    case 'prefill': return t('error.prefill', { question: p.question });
    case 'route_question': return t('error.routeQuestion', { n: p.step, question: p.question });
    case 'route_backward': return t('error.routeBackward', { n: p.step, goto: p.goto });
    case 'repeat_range': return t('error.repeatRange', { n: p.step });
    case 'repeat_file': return t('error.repeatFile', { n: p.step });
    case 'route_repeatable': return t('error.routeRepeatable', { n: p.step, question: p.question });
    default: return t('error.shape');
  }
}

/** The structured form editor and the advanced JSON editor (organisation admins of the service's organisation). */
export const formEditorRoutes: ModuleRoutes = async (app, { db, config }) => {
  const page = (request: FastifyRequest, reply: FastifyReply) => pageContext(request, reply, config.SEED_SAMPLE_DATA);
  const previewLocale = (request: FastifyRequest, asked: string | undefined): Locale => (isLocale(asked) ? asked : request.locale);
  const load = async (request: FastifyRequest, serviceId: string) => {
    requireRole(request.actor, 'organisation_admin');
    const ctx = requestContext(request);
    const [service, working] = await Promise.all([getOwnService(db, ctx, serviceId), forms.workingForm(db, ctx, serviceId)]);
    return { service, working };
  };
  const stepOf = (working: forms.WorkingForm, stepId: string | undefined) => {
    const step = working.definition.steps.find((s) => s.id === stepId);
    if (!step) throw new DomainError('not_found', 'That step was not found.');
    return step;
  };
  const questionOf = (step: ReturnType<typeof stepOf>, questionId: string | undefined) => {
    const question = step.questions.find((q) => q.id === questionId);
    if (!question) throw new DomainError('not_found', 'That question was not found.');
    return question;
  };

  /** The page an edit was made on, with its problems (and, for the step and question forms, what was typed). */
  const showEditor = async (request: FastifyRequest, reply: FastifyReply, serviceId: string, at: { step?: string | undefined; question?: string | undefined; values?: EditValues | undefined; preview?: string | undefined }, errors: FieldError[] = [], status = 200) => {
    const { service, working } = await load(request, serviceId);
    const ctx = page(request, reply);
    const preview = previewLocale(request, at.preview);
    if (at.question) {
      const step = stepOf(working, at.step);
      const question = questionOf(step, at.question);
      return sendPage(reply, <QuestionEditorPage ctx={ctx} service={service} working={working} step={step} question={question} values={at.values ?? questionValues(question)} errors={errors} previewLocale={preview} fileMaxMb={config.APPLICATION_FILE_MAX_MB} />, status);
    }
    if (at.step && at.values) {
      const step = stepOf(working, at.step);
      return sendPage(reply, <StepEditorPage ctx={ctx} service={service} working={working} step={step} values={at.values} errors={errors} previewLocale={preview} fileMaxMb={config.APPLICATION_FILE_MAX_MB} />, status);
    }
    const versions = await forms.formVersions(db, requestContext(request), serviceId);
    return sendPage(reply, <FormEditorPage ctx={ctx} service={service} working={working} versions={versions} selected={at.step} errors={errors} previewLocale={preview} fileMaxMb={config.APPLICATION_FILE_MAX_MB} />, status);
  };

  app.get('/console/services/:id/form', { schema: { hide: true, params: ServiceParams, querystring: PreviewQuery } }, async (request, reply) =>
    showEditor(request, reply, request.params.id, { step: request.query.step, preview: request.query.preview }));

  app.get('/console/services/:id/form/steps/:step', { schema: { hide: true, params: StepParams, querystring: PreviewQuery } }, async (request, reply) => {
    const { working } = await load(request, request.params.id);
    return showEditor(request, reply, request.params.id, { step: request.params.step, values: stepValues(stepOf(working, request.params.step)), preview: request.query.preview });
  });

  app.get('/console/services/:id/form/steps/:step/questions/:question', { schema: { hide: true, params: QuestionParams, querystring: PreviewQuery } }, async (request, reply) =>
    showEditor(request, reply, request.params.id, { step: request.params.step, question: request.params.question, preview: request.query.preview }));

  app.post('/console/services/:id/form/edit', { schema: { hide: true, params: ServiceParams, body: EditBody }, config: { fieldLabels: editLabels } }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin');
    const body = request.body;
    const values = Object.fromEntries(Object.entries(body).filter(([key]) => key.startsWith('e.'))) as EditValues;
    const edit = { ...body, values } as unknown as Edit;
    if (edit.op !== 'addStep' && !body.step) throw new DomainError('invalid_input', 'Say which step to change.', { fields: [{ field: 'step', reason: 'is required' }] });
    if (['updateQuestion', 'removeQuestion', 'moveQuestion'].includes(edit.op) && !body.question) throw new DomainError('invalid_input', 'Say which question to change.', { fields: [{ field: 'question', reason: 'is required' }] });
    if (['moveStep', 'moveQuestion'].includes(edit.op) && !body.direction) throw new DomainError('invalid_input', 'Say which way to move.', { fields: [{ field: 'direction', reason: 'is required' }] });
    const { change, target } = planEdit(edit, request.locale);
    // Problems are shown on the page the edit came from: the step or question form keeps what was typed.
    const from = body.op === 'updateQuestion' ? { step: body.step, question: body.question, values } : body.op === 'updateStep' ? { step: body.step, values } : { step: body.step };
    const firstField = body.op === 'updateQuestion' ? 'e.labelEn' : body.op === 'updateStep' ? 'e.titleEn' : 'e.steps';
    try {
      await forms.editFormDraft(db, requestContext(request), request.params.id, body.basis, change, body.op);
    } catch (error) {
      const t = editorMessages(request.locale);
      // An edit's only conflict is a stale page (forms.staleForm).
      if (error instanceof DomainError && error.code === 'conflict') return showEditor(request, reply, request.params.id, from, [{ field: firstField, reason: t('error.stale') }], 409);
      const fields = errorFields(error);
      if (!fields) throw error;
      // Problems of the edit's own fields are already in the editor's language; the whole form's are translated here.
      const named = fields.map((f) => (f.field.startsWith('e.') ? f : { field: firstField, reason: definitionReason(t, f) }));
      return showEditor(request, reply, request.params.id, from, named, 400);
    }
    const base = `/console/services/${request.params.id}/form`;
    if (body.op === 'addQuestion' || body.op === 'updateQuestion') return reply.redirect(`${base}/steps/${target.step}/questions/${target.question}`, 303);
    if (body.op === 'addStep' || body.op === 'updateStep') return reply.redirect(`${base}/steps/${target.step}`, 303);
    return reply.redirect(`${base}?step=${target.step}`, 303);
  });

  // --- The advanced editor: the whole definition as JSON ---
  const jsonEditor = async (request: FastifyRequest, reply: FastifyReply, serviceId: string, text?: string, errors: FieldError[] = [], status = 200) => {
    const ctx = requestContext(request);
    const [{ service, working }, versions] = await Promise.all([load(request, serviceId), forms.formVersions(db, ctx, serviceId)]);
    return sendPage(reply, <JsonEditorPage ctx={page(request, reply)} service={service} versions={versions} basis={working.basis} text={text ?? JSON.stringify(working.definition, null, 2)} errors={errors} />, status);
  };
  app.get('/console/services/:id/form/json', { schema: { hide: true, params: ServiceParams } }, async (request, reply) => jsonEditor(request, reply, request.params.id));

  app.post('/console/services/:id/form', { schema: { hide: true, params: ServiceParams, body: JsonBody }, config: { fieldLabels: jsonLabels } }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin');
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.definition);
    } catch (error) {
      return jsonEditor(request, reply, request.params.id, request.body.definition, [{ field: 'definition', reason: `is not valid JSON (${(error as Error).message})` }], 400);
    }
    try {
      await forms.saveFormDraft(db, requestContext(request), request.params.id, parsed, request.body.basis);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'conflict') return jsonEditor(request, reply, request.params.id, request.body.definition, [{ field: 'definition', reason: editorMessages(request.locale)('error.stale') }], 409);
      const fields = errorFields(error);
      if (!fields) throw error;
      return jsonEditor(request, reply, request.params.id, request.body.definition, fields, 400);
    }
    return reply.redirect(`/console/services/${request.params.id}/form`, 303);
  });

  app.post('/console/services/:id/form/:formId/publish', { schema: { hide: true, params: Type.Object({ id: Type.String({ format: 'uuid' }), formId: Type.String({ format: 'uuid' }) }) } }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin');
    await forms.publishForm(db, requestContext(request), request.params.id, request.params.formId);
    return reply.redirect(`/console/services/${request.params.id}/form`, 303);
  });
};
