import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, TextField, type PageContext } from '../../ui/index.ts';
import { identityMessages } from '../messages.ts';

export function RegisterPage(props: { ctx: PageContext; email?: string; errors: FieldError[] }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('register.title')}>
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('register.title')}</h1>
      <p>{t('register.intro')}</p>
      <Form ctx={props.ctx} action="/account/register">
        <TextField name="email" label={t('register.email')} value={props.email} autocomplete="username" errors={props.errors} />
        <Button>{t('register.submit')}</Button>
      </Form>
      <p><a href="/account/sign-in">{t('register.haveAccount')}</a></p>
    </Page>
  );
}

export function ConfirmEmailPage(props: { ctx: PageContext; challenge: string; delayed?: boolean; errors: FieldError[] }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('confirm.title')}>
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('confirm.title')}</h1>
      <p>{t('confirm.intro')}</p>
      {props.delayed ? <p class="notice" role="status">{t('confirm.delayed')}</p> : null}
      <Form ctx={props.ctx} action="/account/register/confirm">
        <input type="hidden" name="challenge" value={props.challenge} />
        <TextField name="code" label={t('confirm.code')} autocomplete="one-time-code" errors={props.errors} />
        <TextField name="password" type="password" label={t('confirm.password')} hint={t('confirm.passwordHint')} autocomplete="new-password" errors={props.errors} />
        <Button>{t('confirm.submit')}</Button>
      </Form>
    </Page>
  );
}

export function CitizenSignInPage(props: { ctx: PageContext; email?: string; returnTo: string; again?: boolean; errors: FieldError[] }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('signIn.title')}>
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('signIn.title')}</h1>
      {props.again ? <p class="notice">{t('signIn.again')}</p> : null}
      <Form ctx={props.ctx} action="/account/sign-in">
        <input type="hidden" name="return" value={props.returnTo} />
        <TextField name="email" label={t('signIn.email')} value={props.email} autocomplete="username" errors={props.errors} />
        <TextField name="password" type="password" label={t('signIn.password')} autocomplete="current-password" errors={props.errors} />
        <Button>{t('signIn.submit')}</Button>
      </Form>
      <button type="button" class="button button-secondary" data-passkey="sign-in" data-return={props.returnTo} data-error={t('passkeys.error')} hidden>{t('passkeys.signIn')}</button>
      <p role="status" data-passkey-status></p>
      <script src="/account/passkey.js" defer></script>
      <p><a href="/account/register">{t('signIn.register')}</a></p>
    </Page>
  );
}

export function SecondStepPage(props: { ctx: PageContext; returnTo: string; errors: FieldError[] }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('code.title')}>
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('code.title')}</h1>
      <p>{t('code.intro')}</p>
      <Form ctx={props.ctx} action="/account/sign-in/code">
        <input type="hidden" name="return" value={props.returnTo} />
        <TextField name="code" label={t('code.code')} autocomplete="one-time-code" errors={props.errors} />
        <Button>{t('signIn.submit')}</Button>
      </Form>
    </Page>
  );
}
