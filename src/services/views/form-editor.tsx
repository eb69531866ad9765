import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, type PageContext } from '../../ui/index.ts';
import { textIn } from '../form-definition.ts';
import type { FormVersion } from '../forms.ts';
import type { Service } from '../service.ts';
import { applicationMessages } from '../application-messages.ts';
import { serviceMessages } from '../messages.ts';
import { Question } from './question.tsx';

export function FormEditorPage(props: { ctx: PageContext; service: Service; versions: FormVersion[]; text: string; errors: FieldError[] }) {
  const { ctx, service } = props;
  const t = applicationMessages(ctx.locale);
  const status = serviceMessages(ctx.locale);
  const latest = props.versions[0];
  return (
    <Page ctx={ctx} title={`${t('form.editor')} – ${service.name[ctx.locale]}`} area="console">
      <ErrorSummary ctx={ctx} errors={props.errors.map((e) => ({ field: 'definition', reason: `${e.field}: ${e.reason}` }))} />
      <p class="hint"><a href={`/console/services/${service.id}`}>{service.name[ctx.locale]}</a></p>
      <h1>{t('form.editor')}</h1>
      <Form ctx={ctx} action={`/console/services/${service.id}/form`}>
        <div class={props.errors.length ? 'field field-error' : 'field'}>
          <label for="field-definition">{t('form.definitionLabel')}</label>
          <textarea id="field-definition" name="definition" rows="18" class="code" spellcheck="false">{props.text}</textarea>
        </div>
        <Button>{t('form.saveDraft')}</Button>
      </Form>
      <h2>{t('form.versions')}</h2>
      <ul>
        {props.versions.map((v) => (
          <li>
            v{v.version}: {v.status === 'live' ? status('status.published') : v.status === 'draft' ? status('status.draft') : status('status.withdrawn')}
            {v.status === 'draft' ? (
              <Form ctx={ctx} action={`/console/services/${service.id}/form/${v.id}/publish`} class="inline-form"> <Button variant="secondary">{t('form.makeLive', { version: v.version })}</Button></Form>
            ) : null}
          </li>
        ))}
      </ul>
      {latest ? (
        <section aria-labelledby="preview-title" class="preview">
          <h2 id="preview-title">{t('form.preview', { version: latest.version })}</h2>
          {latest.definition.steps.map((step) => (
            <fieldset disabled>
              <legend>{textIn(step.title, ctx.locale)}</legend>
              {step.questions.map((q) => <Question question={q} value={undefined} errors={[]} locale={ctx.locale} />)}
            </fieldset>
          ))}
        </section>
      ) : null}
    </Page>
  );
}
