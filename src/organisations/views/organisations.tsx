import type { Organisation } from '../organisation.ts';
import type { Staff } from '../staff.ts';
import { Page, type PageContext } from '../../ui/index.ts';
import { organisationMessages } from '../messages.ts';

export function OrganisationsPage(props: { ctx: PageContext; organisations: Organisation[] }) {
  const t = organisationMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('organisations.title')} area="console">
      <h1>{t('organisations.title')}</h1>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">{t('organisations.code')}</th><th scope="col">{t('organisations.name')}</th><th scope="col">{t('organisations.kind')}</th></tr></thead>
          <tbody>
            {props.organisations.map((o) => (
              <tr>
                <td><a href={`/console/organisations/${o.code}`}>{o.code}</a></td>
                <td>{o.name[props.ctx.locale]}</td>
                <td>{t(`kind.${o.kind as 'bureau'}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Page>
  );
}

export function StaffPage(props: { ctx: PageContext; organisation: Organisation; staff: Staff[] }) {
  const t = organisationMessages(props.ctx.locale);
  const name = props.organisation.name[props.ctx.locale];
  return (
    <Page ctx={props.ctx} title={t('staff.title', { organisation: name })} area="console">
      <h1>{t('staff.title', { organisation: name })}</h1>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">{t('staff.name')}</th><th scope="col">{t('staff.email')}</th><th scope="col">{t('staff.roles')}</th></tr></thead>
          <tbody>
            {props.staff.map((s) => (
              <tr><td>{s.displayName}</td><td>{s.email}</td><td>{s.roles.map((r) => t(`role.${r}`)).join(', ')}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </Page>
  );
}
