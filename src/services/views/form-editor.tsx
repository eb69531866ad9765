import type { FieldError } from '../../platform/errors.ts';
import { LOCALES, LOCALE_NAMES, type Locale } from '../../platform/i18n/index.ts';
import { Button, ErrorSummary, Form, Page, SelectField, TextAreaField, TextField, type PageContext } from '../../ui/index.ts';
import { PREFILL_FIELDS, QUESTION_TYPES, textIn, type FormDefinition, type FormQuestion, type FormStep } from '../form-definition.ts';
import { ruleRows, type EditValues } from '../form-edits.ts';
import type { FormVersion, WorkingForm } from '../forms.ts';
import type { Service } from '../service.ts';
import { applicationMessages } from '../application-messages.ts';
import { editorMessages } from '../editor-messages.ts';
import { serviceMessages } from '../messages.ts';
import { Question } from './question.tsx';

// The structured form editor: every change is a small form (no JavaScript needed) that saves to the draft version
// and comes back to a page whose preview shows the selected step as citizens see it.

/** `fileMaxMb`: the configured file size limit, so the preview's file questions say what citizens read. */
interface EditorProps { ctx: PageContext; service: Service; working: WorkingForm; errors: FieldError[]; fileMaxMb: number }
const base = (service: Service) => `/console/services/${service.id}/form`;

/** One change, as a button: the basis of the page travels with it so that a stale page's change is refused. */
function EditButton(props: { ctx: PageContext; service: Service; basis: string; op: string; step?: string; question?: string; direction?: string; label: string; context?: string }) {
  return (
    <Form ctx={props.ctx} action={`${base(props.service)}/edit`} class="inline-form">
      <input type="hidden" name="basis" value={props.basis} />
      <input type="hidden" name="op" value={props.op} />
      {props.step ? <input type="hidden" name="step" value={props.step} /> : null}
      {props.question ? <input type="hidden" name="question" value={props.question} /> : null}
      {props.direction ? <input type="hidden" name="direction" value={props.direction} /> : null}
      {' '}<button type="submit" class="link-button">{props.label}{props.context ? <span class="visually-hidden"> {props.context}</span> : null}</button>
    </Form>
  );
}

/** The step as the citizen sees it, with its controls disabled; in any of the three languages. */
export function StepPreview(props: { ctx: PageContext; service: Service; step: FormStep; locale: Locale; fileMaxMb: number; link: (locale: Locale) => string }) {
  const t = editorMessages(props.ctx.locale);
  const title = textIn(props.step.title, props.locale);
  return (
    <section aria-labelledby="preview-title" class="preview">
      <h2 id="preview-title">{t('editor.preview', { title })}</h2>
      <p class="hint">{t('editor.previewHint')}{' '}
        {LOCALES.map((l) => (l === props.locale ? <strong lang={l}>{LOCALE_NAMES[l]} </strong> : <><a href={props.link(l)} lang={l}>{LOCALE_NAMES[l]}</a>{' '}</>))}
      </p>
      <fieldset disabled lang={props.locale}>
        <legend>{props.service.name[props.locale]} · {title}</legend>
        {props.step.questions.map((q) => <Question question={q} value={undefined} errors={[]} locale={props.locale} fileMaxMb={props.fileMaxMb} />)}
        <button type="button" class="button button-primary" disabled>{applicationMessages(props.locale)('apply.continue')}</button>
      </fieldset>
    </section>
  );
}

function Versions(props: { ctx: PageContext; service: Service; versions: FormVersion[] }) {
  const t = applicationMessages(props.ctx.locale);
  const status = serviceMessages(props.ctx.locale);
  return (
    <>
      <h2>{t('form.versions')}</h2>
      <ul>
        {props.versions.map((v) => (
          <li>
            v{v.version}: {v.status === 'live' ? status('status.published') : v.status === 'draft' ? status('status.draft') : status('status.withdrawn')}
            {v.status === 'draft' ? (
              <Form ctx={props.ctx} action={`${base(props.service)}/${v.id}/publish`} class="inline-form"> <Button variant="secondary">{t('form.makeLive', { version: v.version })}</Button></Form>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}

const routeText = (definition: FormDefinition, step: FormStep, locale: Locale) => {
  const t = editorMessages(locale);
  return (step.next ?? []).map((r) => {
    const question = step.questions.find((q) => q.id === r.question);
    const target = definition.steps.find((s) => s.id === r.goto);
    return t('editor.routes', { question: question ? textIn(question.label, locale) : r.question, equals: r.equals, goto: target ? textIn(target.title, locale) : t('editor.end') });
  });
};

/** The outline of the form: steps and their questions, each with its changes, and the selected step's preview. */
export function FormEditorPage(props: EditorProps & { versions: FormVersion[]; selected: string | undefined; previewLocale: Locale; status?: number }) {
  const { ctx, service, working } = props;
  const t = editorMessages(ctx.locale);
  const definition = working.definition;
  const selected = definition.steps.find((s) => s.id === props.selected) ?? definition.steps[0]!;
  const button = (op: string, label: string, extra: { step?: string; question?: string; direction?: string; context?: string } = {}) =>
    <EditButton ctx={ctx} service={service} basis={working.basis} op={op} label={label} {...extra} />;
  return (
    <Page ctx={ctx} title={`${applicationMessages(ctx.locale)('form.editor')} – ${service.name[ctx.locale]}`} area="console">
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <p class="hint"><a href={`/console/services/${service.id}`}>{service.name[ctx.locale]}</a></p>
      <h1>{applicationMessages(ctx.locale)('form.editor')}</h1>
      <p>{working.draft ? t('editor.working', { version: working.draft.version }) : t('editor.workingNew', { version: working.nextVersion })}</p>
      <h2 id="field-e-steps" tabindex="-1">{t('editor.steps')}</h2>
      <ol class="form-outline">
        {definition.steps.map((step, i) => {
          const title = textIn(step.title, ctx.locale);
          return (
            <li>
              <h3><a href={`${base(service)}?step=${step.id}`} aria-current={step.id === selected.id ? 'true' : undefined}>{t('editor.step', { n: i + 1, title })}</a></h3>
              <div>
                <a href={`${base(service)}/steps/${step.id}`}>{t('editor.editStep', { n: i + 1 })}</a>
                {i > 0 ? button('moveStep', t('editor.moveUp'), { step: step.id, direction: 'up', context: title }) : null}
                {i < definition.steps.length - 1 ? button('moveStep', t('editor.moveDown'), { step: step.id, direction: 'down', context: title }) : null}
                {definition.steps.length > 1 ? button('removeStep', t('editor.remove'), { step: step.id, context: title }) : null}
              </div>
              <ul>
                {step.questions.map((q, j) => {
                  const label = textIn(q.label, ctx.locale);
                  return (
                    <li>
                      {label} <span class="tag">{t(`type.${q.type}`)}</span>{q.required ? <> <span class="tag">{t('editor.required')}</span></> : null}{' '}
                      <a href={`${base(service)}/steps/${step.id}/questions/${q.id}`}>{t('editor.edit')}<span class="visually-hidden"> {label}</span></a>
                      {j > 0 ? button('moveQuestion', t('editor.moveUp'), { step: step.id, question: q.id, direction: 'up', context: label }) : null}
                      {j < step.questions.length - 1 ? button('moveQuestion', t('editor.moveDown'), { step: step.id, question: q.id, direction: 'down', context: label }) : null}
                      {step.questions.length > 1 ? button('removeQuestion', t('editor.remove'), { step: step.id, question: q.id, context: label }) : null}
                    </li>
                  );
                })}
              </ul>
              {step.repeat ? <p class="hint">{t('editor.repeatTag', { min: step.repeat.min, max: step.repeat.max })}</p> : null}
              {routeText(definition, step, ctx.locale).map((text) => <p class="hint">{text}</p>)}
              <div>{button('addQuestion', t('editor.addQuestion', { n: i + 1 }), { step: step.id })}</div>
            </li>
          );
        })}
      </ol>
      <div>{button('addStep', t('editor.addStep'))}</div>
      <StepPreview ctx={ctx} service={service} step={selected} locale={props.previewLocale} fileMaxMb={props.fileMaxMb} link={(l) => `${base(service)}?step=${selected.id}&preview=${l}`} />
      <Versions ctx={ctx} service={service} versions={props.versions} />
      <p><a href={`${base(service)}/json`}>{t('editor.advanced')}</a></p>
    </Page>
  );
}

/** A step's title and its routing rules, beside its preview. */
export function StepEditorPage(props: EditorProps & { step: FormStep; values: EditValues; previewLocale: Locale }) {
  const { ctx, service, working, step, values } = props;
  const t = editorMessages(ctx.locale);
  const index = working.definition.steps.findIndex((s) => s.id === step.id);
  const later = working.definition.steps.slice(index + 1);
  const rows = Array.from({ length: ruleRows(step) }, (_, i) => i);
  return (
    <Page ctx={ctx} title={`${t('editor.stepTitle', { n: index + 1 })} – ${service.name[ctx.locale]}`} area="console">
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <p class="hint"><a href={`${base(service)}?step=${step.id}`}>{t('editor.back')}</a></p>
      <h1>{t('editor.stepTitle', { n: index + 1 })}</h1>
      <ul>
        {step.questions.map((q) => (
          <li><a href={`${base(service)}/steps/${step.id}/questions/${q.id}`}>{textIn(q.label, ctx.locale)}</a> <span class="tag">{t(`type.${q.type}`)}</span></li>
        ))}
      </ul>
      <Form ctx={ctx} action={`${base(service)}/edit`}>
        <input type="hidden" name="basis" value={working.basis} />
        <input type="hidden" name="op" value="updateStep" />
        <input type="hidden" name="step" value={step.id} />
        <TextField name="e.titleEn" label={t('editor.titleEn')} value={values['e.titleEn']} errors={props.errors} />
        <TextField name="e.titleZhHk" label={t('editor.titleZhHk')} value={values['e.titleZhHk']} errors={props.errors} />
        <h2>{t('editor.repeat')}</h2>
        <div class="field choice">
          <input id="field-e-repeat" name="e.repeat" type="checkbox" value="yes" checked={values['e.repeat'] === 'yes'} />
          <label for="field-e-repeat">{t('editor.repeatLabel')}</label>
        </div>
        <TextField name="e.repeatMin" label={t('editor.repeatMin')} value={values['e.repeatMin']} errors={props.errors} />
        <TextField name="e.repeatMax" label={t('editor.repeatMax')} value={values['e.repeatMax']} errors={props.errors} />
        <h2>{t('editor.rules')}</h2>
        <p class="hint">{t('editor.rulesHint')}</p>
        {rows.map((i) => (
          <fieldset class={props.errors.some((e) => e.field.endsWith(`.${i}`)) ? 'field field-error' : 'field'}>
            <legend>{t('editor.rule', { n: i + 1 })}</legend>
            {props.errors.filter((e) => e.field.endsWith(`.${i}`)).map((e) => <p class="error-message">{e.reason}</p>)}
            <SelectField name={`e.ruleQuestion.${i}`} label={t('editor.ruleQuestion')} value={values[`e.ruleQuestion.${i}`] ?? ''}
              options={[{ value: '', label: t('editor.noRule') }, ...step.questions.map((q) => ({ value: q.id, label: textIn(q.label, ctx.locale) }))]} />
            <TextField name={`e.ruleEquals.${i}`} label={t('editor.ruleEquals')} value={values[`e.ruleEquals.${i}`]} />
            <SelectField name={`e.ruleGoto.${i}`} label={t('editor.ruleGoto')} value={values[`e.ruleGoto.${i}`] ?? ''}
              options={[{ value: '', label: t('editor.noRule') }, ...later.map((s) => ({ value: s.id, label: textIn(s.title, ctx.locale) })), { value: 'end', label: t('editor.end') }]} />
          </fieldset>
        ))}
        <Button>{t('editor.save')}</Button>
      </Form>
      <StepPreview ctx={ctx} service={service} step={step} locale={props.previewLocale} fileMaxMb={props.fileMaxMb} link={(l) => `${base(service)}/steps/${step.id}?preview=${l}`} />
    </Page>
  );
}

/** One question: type, labels, hint, required, choices, length, e-ME prefill; beside its step's preview. */
export function QuestionEditorPage(props: EditorProps & { step: FormStep; question: FormQuestion; values: EditValues; previewLocale: Locale }) {
  const { ctx, service, working, step, question, values, errors } = props;
  const t = editorMessages(ctx.locale);
  const a = applicationMessages(ctx.locale);
  const label = textIn(question.label, ctx.locale);
  return (
    <Page ctx={ctx} title={`${t('editor.questionTitle', { label })} – ${service.name[ctx.locale]}`} area="console">
      <ErrorSummary ctx={ctx} errors={errors} />
      <p class="hint"><a href={`${base(service)}?step=${step.id}`}>{t('editor.back')}</a></p>
      <h1>{t('editor.questionTitle', { label })}</h1>
      <p class="hint">{t('editor.reference', { id: question.id })}</p>
      <Form ctx={ctx} action={`${base(service)}/edit`}>
        <input type="hidden" name="basis" value={working.basis} />
        <input type="hidden" name="op" value="updateQuestion" />
        <input type="hidden" name="step" value={step.id} />
        <input type="hidden" name="question" value={question.id} />
        <SelectField name="e.type" label={t('editor.type')} value={values['e.type']} options={QUESTION_TYPES.map((type) => ({ value: type, label: t(`type.${type}`) }))} />
        <TextField name="e.labelEn" label={t('editor.labelEn')} value={values['e.labelEn']} errors={errors} />
        <TextField name="e.labelZhHk" label={t('editor.labelZhHk')} value={values['e.labelZhHk']} errors={errors} />
        <TextField name="e.hintEn" label={t('editor.hintEn')} value={values['e.hintEn']} errors={errors} />
        <TextField name="e.hintZhHk" label={t('editor.hintZhHk')} value={values['e.hintZhHk']} errors={errors} />
        <div class="field choice">
          <input id="field-e-required" name="e.required" type="checkbox" value="yes" checked={values['e.required'] === 'yes'} />
          <label for="field-e-required">{t('editor.requiredLabel')}</label>
        </div>
        <TextAreaField name="e.options" label={t('editor.options')} value={values['e.options']} errors={errors} rows={5} />
        <TextField name="e.maxLength" label={t('editor.maxLength')} value={values['e.maxLength']} errors={errors} />
        <SelectField name="e.prefill" label={t('editor.prefill')} value={values['e.prefill'] ?? ''}
          options={[{ value: '', label: t('editor.noPrefill') }, ...PREFILL_FIELDS.map((f) => ({ value: f, label: a(`prefill.${f}`) }))]} />
        <Button>{t('editor.save')}</Button>
      </Form>
      <StepPreview ctx={ctx} service={service} step={step} locale={props.previewLocale} fileMaxMb={props.fileMaxMb} link={(l) => `${base(service)}/steps/${step.id}/questions/${question.id}?preview=${l}`} />
    </Page>
  );
}

/** The advanced editor: the whole definition as JSON. */
export function JsonEditorPage(props: { ctx: PageContext; service: Service; versions: FormVersion[]; basis: string; text: string; errors: FieldError[] }) {
  const { ctx, service } = props;
  const t = applicationMessages(ctx.locale);
  return (
    <Page ctx={ctx} title={`${t('form.editor')} (JSON) – ${service.name[ctx.locale]}`} area="console">
      <ErrorSummary ctx={ctx} errors={props.errors.map((e) => ({ field: 'definition', reason: `${e.field}: ${e.reason}` }))} />
      <p class="hint"><a href={base(service)}>{editorMessages(ctx.locale)('editor.back')}</a></p>
      <h1>{t('form.editor')} (JSON)</h1>
      <Form ctx={ctx} action={base(service)}>
        <input type="hidden" name="basis" value={props.basis} />
        <div class={props.errors.length ? 'field field-error' : 'field'}>
          <label for="field-definition">{t('form.definitionLabel')}</label>
          <textarea id="field-definition" name="definition" rows="18" class="code" spellcheck="false">{props.text}</textarea>
        </div>
        <Button>{t('form.saveDraft')}</Button>
      </Form>
      <Versions ctx={ctx} service={service} versions={props.versions} />
    </Page>
  );
}
