import type { FieldError } from '../../platform/errors.ts';
import { Button, Form, type PageContext } from '../../ui/index.ts';
import { entryAnswers, entryCount, textIn, type Answers, type FormDefinition, type FormStep } from '../form-definition.ts';
import { applicationMessages } from '../application-messages.ts';
import { displayAnswer } from './apply.tsx';
import { Question } from './question.tsx';

/** The words for a repeatable step's own problem (too few or too many entries). */
export function entriesError(step: FormStep, reason: string, locale: PageContext['locale']): string {
  const t = applicationMessages(locale);
  return reason === 'too_few' ? t('repeat.tooFew', { min: step.repeat?.min ?? 0 }) : t('repeat.tooMany', { max: step.repeat?.max ?? 0 });
}

/** The "add another" pattern without JavaScript: the entries so far (change or remove each), a form for one entry (a new
 * one, or the one being changed), and Continue. `input` holds what was typed into the entry form when it was refused. */
export function Entries(props: { ctx: PageContext; applicationId: string; definition: FormDefinition; step: FormStep; answers: Answers; entry?: number | undefined; input?: Answers | undefined; errors: FieldError[] }) {
  const { ctx, step } = props;
  const t = applicationMessages(ctx.locale);
  const count = entryCount(step, props.answers);
  const max = step.repeat?.max ?? 1;
  const editing = props.entry !== undefined && props.entry < count ? props.entry : count < max ? count : undefined;
  const base = `/applications/${props.applicationId}/steps/${step.id}`;
  const values = props.input ?? (editing !== undefined ? entryAnswers(step, props.answers, editing) : {});
  return (
    <>
      <p class="hint" id="field-entries">{t('repeat.limits', { min: step.repeat?.min ?? 0, max })}</p>
      {count === 0 ? <p>{t('repeat.none')}</p> : (
        <dl class="summary-list">
          {Array.from({ length: count }, (_, i) => {
            const entry = entryAnswers(step, props.answers, i);
            return (
              <>
                <dt>{t('repeat.entry', { n: i + 1 })}</dt>
                <dd>
                  {step.questions.map((q) => displayAnswer(props.definition, q.id, entry[q.id], ctx.locale)).filter(Boolean).join(' · ')}
                  {' '}<a href={`${base}?entry=${i}`}>{t('repeat.change', { n: i + 1 })}</a>
                  <Form ctx={ctx} action={`${base}/entries/${i}/remove`} class="inline-form"><Button variant="secondary">{t('repeat.remove')}<span class="visually-hidden"> {t('repeat.entry', { n: i + 1 })}</span></Button></Form>
                </dd>
              </>
            );
          })}
        </dl>
      )}
      {editing !== undefined ? (
        <Form ctx={ctx} action={`${base}/entries/${editing}`}>
          <h2>{editing < count ? t('repeat.change', { n: editing + 1 }) : t('repeat.add')}</h2>
          {step.questions.map((q) => <Question question={q} value={values[q.id]} errors={props.errors} locale={ctx.locale} fileMaxMb={0} />)}
          <Button variant="secondary">{t('repeat.save')}</Button>
        </Form>
      ) : null}
      <Form ctx={ctx} action={base}><Button>{t('apply.continue')}</Button></Form>
    </>
  );
}
