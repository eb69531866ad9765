import { Button, Form, Page, type PageContext } from '../../ui/index.ts';
import { consentMessages, type ScopeKey } from '../consent-messages.ts';
import { identityMessages } from '../messages.ts';
import type { Profile, ProfileField } from '../profile.ts';

export interface ConsentRequest { uid: string; service: string; purpose: string | undefined; scopes: string[]; profile: Profile }

/** The e-ME fields each scope releases, so that the consent screen names every one and shows what would be sent. */
const SCOPE_FIELDS: Record<string, ProfileField[]> = {
  profile: ['name_en', 'name_zh', 'date_of_birth', 'gender'], email: ['email'], phone: ['phone'], address: ['residential_address'],
};

export function ConsentPage(props: { ctx: PageContext; request: ConsentRequest }) {
  const t = consentMessages(props.ctx.locale);
  const f = identityMessages(props.ctx.locale);
  const { service, purpose, scopes, uid } = props.request;
  const shown = (field: ProfileField) => {
    const value = props.request.profile[field]?.value;
    if (!value) return t('consent.notInProfile');
    return field === 'gender' ? f(`gender.${value as 'female'}`) : value;
  };
  return (
    <Page ctx={props.ctx} title={t('consent.title', { service })}>
      <h1>{t('consent.title', { service })}</h1>
      {purpose ? <p>{t('consent.purpose', { service, purpose })}</p> : null}
      <p>{t('consent.asks', { service })}</p>
      <ul class="consent-claims">
        {scopes.map((s) => (
          <li data-scope={s}>
            {t(`claim.${s}` as ScopeKey)}
            {SCOPE_FIELDS[s] ? (
              <ul>{SCOPE_FIELDS[s].map((field) => <li>{f(`field.${field}`)}: {shown(field)}</li>)}</ul>
            ) : null}
          </li>
        ))}
      </ul>
      <p class="hint">{t('consent.remember')}</p>
      <Form ctx={props.ctx} action={`/account/authorize/${uid}/consent`}>
        <input type="hidden" name="decision" value="allow" />
        <Button>{t('consent.allow')}</Button>
      </Form>
      <Form ctx={props.ctx} action={`/account/authorize/${uid}/consent`}>
        <input type="hidden" name="decision" value="deny" />
        <Button variant="secondary">{t('consent.deny')}</Button>
      </Form>
    </Page>
  );
}

export interface ServiceRow { clientId: string; name: string; scopes: string[]; grantedAt: Date }

export function ConnectedServicesPage(props: { ctx: PageContext; services: ServiceRow[]; withdrawn?: boolean }) {
  const t = consentMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('services.title')}>
      <h1>{t('services.title')}</h1>
      {props.withdrawn ? <p class="notice" role="status">{t('services.withdrawn')}</p> : null}
      <p>{t('services.intro')}</p>
      {props.services.length === 0 ? <p>{t('services.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('services.service')}</th><th scope="col">{t('services.shared')}</th><th scope="col">{t('services.when')}</th><th scope="col"><span class="visually-hidden">{t('services.withdraw')}</span></th></tr></thead>
            <tbody>
              {props.services.map((s) => (
                <tr>
                  <td>{s.name}</td>
                  <td>{s.scopes.map((scope) => t(`claim.${scope}` as ScopeKey)).join('; ')}</td>
                  <td>{s.grantedAt.toISOString().slice(0, 10)}</td>
                  <td>
                    <Form ctx={props.ctx} action={`/account/services/${encodeURIComponent(s.clientId)}/withdraw`}>
                      <button type="submit" class="link-button" aria-label={`${t('services.withdraw')}: ${s.name}`}>{t('services.withdraw')}</button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
