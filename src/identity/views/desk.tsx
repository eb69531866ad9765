import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, SelectField, TextField, type PageContext } from '../../ui/index.ts';
import { deskMessages } from '../desk-messages.ts';
import { identityMessages } from '../messages.ts';
import type { ConfirmedPerson } from '../personal-code.ts';
import { DOCUMENT_TYPES } from '../proofing.ts';

export function HelpDeskPage(props: { ctx: PageContext; proofed?: boolean; email?: string; errors: FieldError[] }) {
  const t = deskMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('desk.title')} area="console">
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('desk.title')}</h1>
      {props.proofed ? <p class="notice" role="status">{t('desk.proofed')}</p> : null}
      <h2>{t('desk.codeTitle')}</h2>
      <p>{t('desk.codeIntro')}</p>
      <Form ctx={props.ctx} action="/console/identity/personal-code">
        <TextField name="code" label={t('desk.code')} autocomplete="off" errors={props.errors} />
        <Button>{t('desk.codeSubmit')}</Button>
      </Form>
      <h2>{t('desk.proofTitle')}</h2>
      <p>{t('desk.proofIntro')}</p>
      <Form ctx={props.ctx} action="/console/identity/proofing">
        <TextField name="email" type="email" label={t('desk.email')} value={props.email} autocomplete="off" errors={props.errors} />
        <SelectField name="documentType" label={t('desk.documentType')} options={DOCUMENT_TYPES.map((d) => ({ value: d, label: t(`desk.type.${d}`) }))} />
        <TextField name="documentNumber" label={t('desk.documentNumber')} autocomplete="off" errors={props.errors} />
        <Button>{t('desk.proofSubmit')}</Button>
      </Form>
    </Page>
  );
}

export function ConfirmedPersonPage(props: { ctx: PageContext; person: ConfirmedPerson }) {
  const t = deskMessages(props.ctx.locale);
  const f = identityMessages(props.ctx.locale);
  const { person } = props;
  return (
    <Page ctx={props.ctx} title={t('desk.confirmed')} area="console">
      <h1>{t('desk.confirmed')}</h1>
      <p>{t('desk.confirmedIntro')}</p>
      <dl class="summary-list">
        <dt>{f('field.email')}</dt><dd>{person.email}</dd>
        <dt>{f('field.name_en')}</dt><dd>{person.profile.name_en?.value ?? '–'}</dd>
        <dt>{f('field.name_zh')}</dt><dd>{person.profile.name_zh?.value ?? '–'}</dd>
        <dt>iAM Smart+</dt><dd>{person.proofed ? t('desk.plus') : t('desk.basic')}</dd>
      </dl>
      <p><a href="/console/identity">{t('desk.again')}</a></p>
    </Page>
  );
}

export function PersonalCodePage(props: { ctx: PageContext; minutes: number; issued?: { code: string; expiresAt: Date } }) {
  const t = deskMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('personal.title')}>
      <h1>{t('personal.title')}</h1>
      <p>{t('personal.intro', { minutes: props.minutes })}</p>
      {props.issued ? (
        <>
          <p>{t('personal.code')}:</p>
          <p class="personal-code" data-personal-code={props.issued.code}><strong>{props.issued.code}</strong></p>
          <p>{t('personal.expires', { time: props.issued.expiresAt.toISOString().slice(11, 16) + ' UTC' })}</p>
        </>
      ) : null}
      <Form ctx={props.ctx} action="/account/personal-code"><Button>{t('personal.show')}</Button></Form>
    </Page>
  );
}
