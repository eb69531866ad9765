import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, SelectField, TextAreaField, TextField, type PageContext } from '../../ui/index.ts';
import { developerMessages } from '../developer-messages.ts';
import type { ClientForm, DeveloperClient } from '../developer.ts';
import type { ClientRequestRow } from '../oidc/store.ts';
import { SAMPLE_CITIZEN_PASSWORD, SAMPLE_PERSONAS } from '../sample.ts';

export function DeveloperPage(props: { ctx: PageContext; issuer: string; clients: DeveloperClient[]; requests: ClientRequestRow[]; form?: ClientForm; requested?: boolean; errors: FieldError[] }) {
  const t = developerMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('dev.title')} area="console">
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('dev.title')}</h1>
      {props.requested ? <p class="notice" role="status">{t('dev.requested')}</p> : null}
      <p>{t('dev.intro')}</p>
      <p>{t('dev.discovery', { url: `${props.issuer}/.well-known/openid-configuration` })}</p>
      {props.ctx.sampleData ? <p class="hint">{t('dev.personas', { emails: SAMPLE_PERSONAS.join(', '), password: SAMPLE_CITIZEN_PASSWORD })}</p> : null}
      {props.clients.length === 0 ? <p>{t('dev.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('dev.name')}</th><th scope="col">{t('dev.clientId')}</th><th scope="col">{t('dev.environment')}</th><th scope="col">{t('dev.redirectUris')}</th></tr></thead>
            <tbody>{props.clients.map((c) => <tr><td>{c.name}</td><td><code>{c.clientId}</code></td><td>{c.environment}</td><td>{c.redirectUris.join(' ')}</td></tr>)}</tbody>
          </table>
        </div>
      )}
      {props.requests.length ? <ul>{props.requests.map((r) => <li>{String(r.registration.clientName)}: {t('dev.pending')}</li>)}</ul> : null}
      <Form ctx={props.ctx} action="/console/developer/clients">
        <TextField name="name" label={t('dev.name')} value={props.form?.name} errors={props.errors} />
        <TextField name="purpose" label={t('dev.purpose')} value={props.form?.purpose} errors={props.errors} />
        <TextAreaField name="redirectUris" label={t('dev.redirectUris')} value={props.form?.redirectUris} errors={props.errors} />
        <SelectField name="environment" label={t('dev.environment')} value={props.form?.environment} options={[{ value: 'sandbox', label: t('dev.env.sandbox') }, { value: 'production', label: t('dev.env.production') }]} />
        <TextAreaField name="jwks" label={t('dev.jwks')} value={props.form?.jwks} errors={props.errors} />
        <Button>{t('dev.submit')}</Button>
      </Form>
    </Page>
  );
}

export function ClientCreatedPage(props: { ctx: PageContext; clientId: string; clientSecret?: string | undefined }) {
  const t = developerMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('dev.created')} area="console">
      <h1>{t('dev.created')}</h1>
      <p>{t('dev.clientId')}: <code data-client-id={props.clientId}>{props.clientId}</code></p>
      {props.clientSecret ? <p>{t('dev.secret')}: <code data-client-secret={props.clientSecret}>{props.clientSecret}</code></p> : null}
      <p><a href="/console/developer">{t('dev.back')}</a></p>
    </Page>
  );
}

export function ApprovalsPage(props: { ctx: PageContext; requests: ClientRequestRow[]; approved: boolean }) {
  const t = developerMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('dev.approvals')} area="console">
      <h1>{t('dev.approvals')}</h1>
      {props.approved ? <p class="notice" role="status">{t('dev.approved')}</p> : null}
      {props.requests.length === 0 ? <p>{t('dev.none')}</p> : (
        <ul>
          {props.requests.map((r) => (
            <li>
              <strong>{String(r.registration.clientName)}</strong>: {String(r.registration.purpose)} ({(r.registration.redirectUris as string[]).join(' ')})
              <Form ctx={props.ctx} action={`/console/developer/requests/${r.id}/approve`}><Button>{t('dev.approve')}</Button></Form>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
