import type { StaffActor } from '../../platform/context.ts';
import type { Organisation } from '../../organisations/index.ts';
import { Page, type PageContext } from '../../ui/index.ts';
import { consoleMessages } from '../messages.ts';

export interface ConsoleLink { href: string; label: string; hint: string }

export function ConsoleHomePage(props: { ctx: PageContext; staff: StaffActor; organisation: Organisation | undefined; roleNames: string[]; links: ConsoleLink[] }) {
  const t = consoleMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('home.title')} area="console">
      <h1>{t('home.title')}</h1>
      <p>{t('home.welcome', { name: props.staff.label, organisation: props.organisation?.name[props.ctx.locale] ?? '' })}</p>
      <p class="hint">{t('home.roles', { roles: props.roleNames.join(', ') })}</p>
      <h2>{t('home.tasks')}</h2>
      <ul class="cards">
        {props.links.map((l) => (
          <li><a href={l.href}>{l.label}</a><p class="hint">{l.hint}</p></li>
        ))}
      </ul>
    </Page>
  );
}
