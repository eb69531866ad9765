import type { Organisation } from '../../organisations/index.ts';
import { Page, type PageContext } from '../../ui/index.ts';
import { portalMessages } from '../messages.ts';

export function HomePage(props: { ctx: PageContext; organisations: Organisation[] }) {
  const t = portalMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('home.title')}>
      <h1>{t('home.title')}</h1>
      <p class="lead">{t('home.intro')}</p>
      <p><a class="button button-primary" href="/services">{t('home.findService')}</a> <a class="button button-secondary" href="/opendata">{t('home.openData')}</a></p>
      <p class="hint">{t('home.lite')}</p>
      <h2>{t('home.organisations')}</h2>
      <p>{t('home.organisationsIntro')}</p>
      <ul class="cards">
        {props.organisations.filter((o) => o.kind !== 'platform').map((o) => (
          <li lang={props.ctx.locale}>{o.name[props.ctx.locale]}</li>
        ))}
      </ul>
    </Page>
  );
}
