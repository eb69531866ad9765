import type { CitizenActor } from '../../platform/context.ts';
import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, SelectField, TextField, type PageContext } from '../../ui/index.ts';
import { identityMessages } from '../messages.ts';
import { EDITABLE_FIELDS, GENDERS, type Profile } from '../profile.ts';
import type { DeviceSession } from '../session.ts';

type Level = 'level.urn:smartgov:loa:basic';

export function AccountPage(props: { ctx: PageContext; actor: CitizenActor }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('account.title')}>
      <h1>{t('account.title')}</h1>
      <p>{t('account.signedInAs', { email: props.actor.label })}</p>
      <p>{t('account.level', { level: t(`level.${props.actor.acr}` as Level) })}</p>
      <ul class="link-list">
        <li><a href="/account/profile">{t('nav.profile')}</a></li>
        <li><a href="/account/passkeys">{t('nav.passkeys')}</a></li>
        <li><a href="/account/security">{t('nav.security')}</a></li>
        <li><a href="/account/devices">{t('nav.devices')}</a></li>
        <li><a href="/account/services">{t('nav.services')}</a></li>
        <li><a href="/account/personal-code">{t('nav.personalCode')}</a></li>
      </ul>
      <Form ctx={props.ctx} action="/account/sign-out"><Button variant="secondary">{t('nav.signOut')}</Button></Form>
    </Page>
  );
}

export function ProfilePage(props: { ctx: PageContext; profile: Profile; values?: Record<string, string>; saved?: boolean; phoneVerified?: boolean; errors: FieldError[] }) {
  const t = identityMessages(props.ctx.locale);
  const status = (field: keyof Profile) => (props.profile[field] ? (props.profile[field]!.verified ? t('profile.verified') : t('profile.selfDeclared')) : undefined);
  return (
    <Page ctx={props.ctx} title={t('profile.title')}>
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('profile.title')}</h1>
      {props.saved ? <p class="notice" role="status">{t('profile.saved')}</p> : null}
      {props.phoneVerified ? <p class="notice" role="status">{t('phone.done')}</p> : null}
      <p>{t('profile.intro')}</p>
      <p>{t('field.email')}: <strong>{props.profile.email?.value ?? ''}</strong> ({status('email')})</p>
      <Form ctx={props.ctx} action="/account/profile">
        {EDITABLE_FIELDS.map((field) => field === 'gender' ? (
          <SelectField name="gender" label={t('field.gender')} value={props.values?.gender ?? props.profile.gender?.value ?? ''}
            options={[{ value: '', label: t('gender.none') }, ...GENDERS.map((g) => ({ value: g, label: t(`gender.${g}`) }))]} />
        ) : (
          <TextField name={field} label={t(`field.${field}`)} hint={status(field)} value={props.values?.[field] ?? props.profile[field]?.value}
            type={field === 'date_of_birth' ? 'date' : field === 'phone' ? 'tel' : 'text'} errors={props.errors}
            autocomplete={field === 'phone' ? 'tel' : field === 'date_of_birth' ? 'bday' : undefined} />
        ))}
        <Button>{t('profile.save')}</Button>
      </Form>
      {props.profile.phone && !props.profile.phone.verified ? (
        <Form ctx={props.ctx} action="/account/profile/phone"><Button variant="secondary">{t('phone.verify')}</Button></Form>
      ) : null}
    </Page>
  );
}

export function PhoneCodePage(props: { ctx: PageContext; phone: string; delayed?: boolean; errors: FieldError[] }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('phone.title')}>
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('phone.title')}</h1>
      <p>{t('phone.intro', { phone: props.phone })}</p>
      {props.delayed ? <p class="notice" role="status">{t('phone.delayed')}</p> : null}
      <Form ctx={props.ctx} action="/account/profile/phone/confirm">
        <TextField name="code" label={t('code.code')} autocomplete="one-time-code" errors={props.errors} />
        <Button>{t('phone.submit')}</Button>
      </Form>
    </Page>
  );
}

export function SecurityPage(props: { ctx: PageContext; enabled: boolean; pending?: { secret: string; uri: string } | undefined; errors: FieldError[] }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('security.title')}>
      <ErrorSummary ctx={props.ctx} errors={props.errors} />
      <h1>{t('security.title')}</h1>
      <p>{props.enabled ? t('security.on') : t('security.off')}</p>
      {props.pending ? (
        <>
          <p>{t('security.scan')}</p>
          <p>{t('security.key')}: <code data-totp-secret={props.pending.secret}>{props.pending.secret}</code></p>
          <p><a href={props.pending.uri}>{t('security.link')}</a></p>
          <Form ctx={props.ctx} action="/account/security/totp/confirm">
            <TextField name="code" label={t('code.code')} autocomplete="one-time-code" errors={props.errors} />
            <Button>{t('security.confirm')}</Button>
          </Form>
        </>
      ) : props.enabled ? null : (
        <Form ctx={props.ctx} action="/account/security/totp"><Button>{t('security.start')}</Button></Form>
      )}
    </Page>
  );
}

export function RecoveryCodesPage(props: { ctx: PageContext; codes: string[] }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('recovery.title')}>
      <h1>{t('recovery.title')}</h1>
      <p>{t('recovery.intro')}</p>
      <ul class="recovery-codes">{props.codes.map((c) => <li><code>{c}</code></li>)}</ul>
      <p><a href="/account">{t('recovery.done')}</a></p>
    </Page>
  );
}

export function DevicesPage(props: { ctx: PageContext; devices: DeviceSession[] }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('devices.title')}>
      <h1>{t('devices.title')}</h1>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">{t('devices.browser')}</th><th scope="col">{t('devices.address')}</th><th scope="col">{t('devices.signedIn')}</th><th scope="col">{t('devices.lastSeen')}</th></tr></thead>
          <tbody>
            {props.devices.map((d) => (
              <tr>
                <td>{d.userAgent ?? '–'} {d.current ? t('devices.current') : ''}</td><td>{d.address ?? '–'}</td>
                <td>{d.signedInAt.toISOString()}</td><td>{d.lastSeenAt.toISOString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Form ctx={props.ctx} action="/account/devices/sign-out-everywhere"><Button variant="secondary">{t('devices.everywhere')}</Button></Form>
    </Page>
  );
}
