import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, TextField, type PageContext } from '../../ui/index.ts';
import { organisationMessages } from '../messages.ts';

export function SignInPage(props: { ctx: PageContext; email?: string; returnTo: string; errors: FieldError[] }) {
  const t = organisationMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('signIn.title')} area="console">
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <Form ctx={props.ctx} action="/console/sign-in">
        <input type="hidden" name="return" value={props.returnTo} />
        <TextField name="email" type="email" label={t('signIn.email')} value={props.email} autocomplete="username" errors={props.errors} />
        <TextField name="password" type="password" label={t('signIn.password')} autocomplete="current-password" errors={props.errors} />
        <Button>{t('signIn.submit')}</Button>
      </Form>
      {props.ctx.sampleData ? <p class="hint secondary-content">{t('signIn.sampleHint')}</p> : null}
    </Page>
  );
}
