import { Button, Form, Page, type PageContext } from '../../ui/index.ts';
import type { PrefillOffer } from '../application.ts';
import { applicationMessages } from '../application-messages.ts';

/** Consent, field by field, before anything from e-ME is copied into the form. */
export function PrefillPage(props: { ctx: PageContext; applicationId: string; department: string; offers: PrefillOffer[] }) {
  const t = applicationMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('prefill.title')}>
      <h1>{t('prefill.title')}</h1>
      <p>{t('prefill.intro', { department: props.department })}</p>
      <Form ctx={props.ctx} action={`/applications/${props.applicationId}/prefill`}>
        <fieldset>
          <legend class="visually-hidden">{t('prefill.title')}</legend>
          {props.offers.map((o, i) => (
            <div class="choice">
              <input id={`prefill-${i}`} type="checkbox" name="fields" value={o.field} />
              <label for={`prefill-${i}`}>{t(`prefill.${o.field}`)}: <strong>{o.value}</strong> <span class="tag">{o.verified ? t('prefill.verified') : t('prefill.selfDeclared')}</span></label>
            </div>
          ))}
        </fieldset>
        <p class="hint">{t('prefill.none')}</p>
        <Button>{t('prefill.submit')}</Button>
      </Form>
    </Page>
  );
}
