import type { Organisation } from '../organisation.ts';
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
