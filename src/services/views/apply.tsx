import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, type PageContext } from '../../ui/index.ts';
import { entryAnswers, entryCount, stepPath, textIn, type Answers, type FormDefinition, type FormStep } from '../form-definition.ts';
import type { Service } from '../service.ts';
import { applicationMessages } from '../application-messages.ts';
import { fileSize, Question, questionError } from './question.tsx';
import { Entries, entriesError } from './entries.tsx';
import { DocumentsReminder } from './requirements.tsx';

/** The files kept as answers, by the id each answer holds. */
export type AnswerFiles = Map<string, { id: string; file_name: string; size_bytes: number }>;

export function StepPage(props: { ctx: PageContext; applicationId: string; service: Service; definition: FormDefinition; step: FormStep; answers: Answers; errors: FieldError[]; files: AnswerFiles; fileMaxMb: number; entry?: number | undefined; input?: Answers | undefined }) {
  const { ctx, step } = props;
  const t = applicationMessages(ctx.locale);
  const path = stepPath(props.definition, props.answers);
  const position = path.findIndex((s) => s.id === step.id);
  const summary = props.errors.map((e) => {
    const question = step.questions.find((q) => q.id === e.field);
    if (e.field === 'entries') return { field: e.field, reason: entriesError(step, e.reason, ctx.locale) };
    return { field: e.field, reason: question ? questionError(question, e.reason, ctx.locale, props.fileMaxMb) : e.reason };
  });
  const previous = position > 0 ? path[position - 1] : undefined;
  return (
    <Page ctx={ctx} title={`${textIn(step.title, ctx.locale)} – ${props.service.name[ctx.locale]}`}>
      {previous ? <p><a href={`/applications/${props.applicationId}/steps/${previous.id}`}>{t('apply.back')}</a></p> : null}
      <ErrorSummary ctx={ctx} errors={summary} />
      <p class="hint">{props.service.name[ctx.locale]} · {t('apply.stepOf', { n: Math.max(position, 0) + 1, total: path.length })}</p>
      <h1>{textIn(step.title, ctx.locale)}</h1>
      {position === 0 ? <DocumentsReminder locale={ctx.locale} service={props.service} /> : null}
      {step.repeat ? <Entries ctx={ctx} applicationId={props.applicationId} definition={props.definition} step={step} answers={props.answers} entry={props.entry} input={props.input} errors={props.errors} /> : <>
      {/* A step with a file question is sent as multipart (no JavaScript needed). */}
      <Form ctx={ctx} action={`/applications/${props.applicationId}/steps/${step.id}`} enctype={step.questions.some((q) => q.type === 'file') ? 'multipart/form-data' : undefined}>
        {step.questions.map((q) => {
          const file = q.type === 'file' ? props.files.get(props.answers[q.id] ?? '') : undefined;
          return <Question question={q} value={props.answers[q.id]} errors={props.errors} locale={ctx.locale} fileMaxMb={props.fileMaxMb} file={file ? { name: file.file_name, size: file.size_bytes } : undefined} />;
        })}
        <Button>{t('apply.continue')}</Button>
      </Form></>}
      <p class="hint">{t('apply.saved')}</p>
    </Page>
  );
}

export function displayAnswer(definition: FormDefinition, questionId: string, value: string | undefined, locale: PageContext['locale']): string {
  const question = definition.steps.flatMap((s) => s.questions).find((q) => q.id === questionId);
  if (!value || !question) return '';
  if (question.type === 'selection') return textIn(question.options?.find((o) => o.value === value)?.label ?? { en: value, 'zh-HK': value }, locale);
  if (question.type === 'declaration') return applicationMessages(locale)('apply.declarationYes');
  return value;
}

/** A file answer: its name and size, linked to its download at `fileBase/{id}`. */
function FileAnswer(props: { files: AnswerFiles; id: string | undefined; fileBase: string }) {
  const file = props.files.get(props.id ?? '');
  return file ? <><a href={`${props.fileBase}/${file.id}`}>{file.file_name}</a> ({fileSize(file.size_bytes)})</> : null;
}

export function AnswersList(props: { ctx: PageContext; definition: FormDefinition; answers: Answers; changeBase?: string; files: AnswerFiles; fileBase: string }) {
  const t = applicationMessages(props.ctx.locale);
  return (
    <dl class="summary-list">
      {stepPath(props.definition, props.answers).flatMap((step) => step.repeat ? <EntryAnswers {...props} step={step} /> : step.questions.map((q) => (
        <>
          <dt>{textIn(q.label, props.ctx.locale)}</dt>
          <dd>
            {q.type === 'file' ? <FileAnswer files={props.files} id={props.answers[q.id]} fileBase={props.fileBase} /> : displayAnswer(props.definition, q.id, props.answers[q.id], props.ctx.locale)}
            {props.changeBase ? <> <a href={`${props.changeBase}/${step.id}`}>{t('check.change')}<span class="visually-hidden"> {textIn(q.label, props.ctx.locale)}</span></a></> : null}
          </dd>
        </>
      )))}
    </dl>
  );
}

/** Every entry of a repeatable step, each question labelled with its entry's number. */
function EntryAnswers(props: { ctx: PageContext; definition: FormDefinition; answers: Answers; changeBase?: string | undefined; step: FormStep }) {
  const t = applicationMessages(props.ctx.locale);
  const { step } = props;
  return (
    <>
      {Array.from({ length: entryCount(step, props.answers) }, (_, i) => {
        const entry = entryAnswers(step, props.answers, i);
        return step.questions.map((q) => (
          <>
            <dt>{textIn(q.label, props.ctx.locale)} ({t('repeat.entry', { n: i + 1 })})</dt>
            <dd>
              {displayAnswer(props.definition, q.id, entry[q.id], props.ctx.locale)}
              {props.changeBase ? <> <a href={`${props.changeBase}/${step.id}?entry=${i}`}>{t('check.change')}<span class="visually-hidden"> {textIn(q.label, props.ctx.locale)} ({t('repeat.entry', { n: i + 1 })})</span></a></> : null}
            </dd>
          </>
        ));
      })}
    </>
  );
}

export function CheckAnswersPage(props: { ctx: PageContext; applicationId: string; service: Service; definition: FormDefinition; answers: Answers; files: AnswerFiles }) {
  const t = applicationMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('check.title')}>
      <p class="hint">{props.service.name[props.ctx.locale]}</p>
      <h1>{t('check.title')}</h1>
      <AnswersList ctx={props.ctx} definition={props.definition} answers={props.answers} changeBase={`/applications/${props.applicationId}/steps`} files={props.files} fileBase={`/applications/${props.applicationId}/files`} />
      <p>{t('check.notice')}</p>
      <Form ctx={props.ctx} action={`/applications/${props.applicationId}/submit`}>
        <Button>{props.service.feeItemId && props.service.feeDue === 'submission' ? t('check.payAndSubmit', { amount: `HK$${(props.service.feeCents / 100).toFixed(2)}` }) : t('check.submit')}</Button>
      </Form>
    </Page>
  );
}
