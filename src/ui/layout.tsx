import { raw, type Child } from '#jsx/jsx-runtime';
import { LOCALE_NAMES, LOCALES } from '../platform/i18n/index.ts';
import { Form } from './components.tsx';
import { uiMessages } from './messages.ts';
import type { PageContext } from './page-context.ts';

const returnTo = (ctx: PageContext) => encodeURIComponent(ctx.path);
const current = (ctx: PageContext, prefix: string) => (ctx.path === prefix || ctx.path.startsWith(`${prefix}/`) || ctx.path.startsWith(`${prefix}?`) ? 'page' : undefined);

function LanguageSwitcher(props: { ctx: PageContext }) {
  const t = uiMessages(props.ctx.locale);
  return (
    <nav class="language-switcher" aria-label={t('lang.label')}>
      <ul>
        {LOCALES.map((locale) =>
          locale === props.ctx.locale ? (
            <li><span lang={locale} aria-current="true">{LOCALE_NAMES[locale]}</span></li>
          ) : (
            <li><a href={`/preferences/language/${locale}?return=${returnTo(props.ctx)}`} lang={locale} hreflang={locale}>{LOCALE_NAMES[locale]}</a></li>
          ),
        )}
      </ul>
    </nav>
  );
}

function LiteToggle(props: { ctx: PageContext }) {
  const t = uiMessages(props.ctx.locale);
  const next = props.ctx.lite ? 'off' : 'on';
  return (
    <a class="lite-toggle" href={`/preferences/lite/${next}?return=${returnTo(props.ctx)}`} title={t('lite.hint')}>
      {props.ctx.lite ? t('lite.off') : t('lite.on')}
    </a>
  );
}

export interface PageProps {
  ctx: PageContext;
  title: string;
  children?: Child;
  /** Console pages get the console navigation. */
  area?: 'portal' | 'console';
}

export function Page(props: PageProps) {
  const { ctx } = props;
  const t = uiMessages(ctx.locale);
  const console = props.area === 'console';
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={ctx.locale}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} – ${t('site.name')}`}</title>
          <link rel="stylesheet" href="/assets/site.css" />
          <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        </head>
        <body class={[ctx.lite ? 'lite' : '', console ? 'console' : 'portal'].filter(Boolean).join(' ')}>
          <a class="skip-link" href="#main">{t('skip.to.content')}</a>
          <header class="site-header">
            <div class="header-inner">
              <a class="site-name" href={console ? '/console' : '/'}>
                {t('site.name')} <span class="tagline">{console ? t('nav.console') : t('site.tagline')}</span>
              </a>
              <div class="header-tools">
                <LanguageSwitcher ctx={ctx} />
                <LiteToggle ctx={ctx} />
              </div>
            </div>
            <nav class="site-nav" aria-label={t('nav.label')}>
              <ul>
                <li><a href="/" aria-current={ctx.path === '/' ? 'page' : undefined}>{t('nav.home')}</a></li>
                {console ? null : <li><a href="/services" aria-current={current(ctx, '/services')}>{t('nav.services')}</a></li>}
                {console ? null : <li><a href="/opendata" aria-current={current(ctx, '/opendata')}>{t('nav.openData')}</a></li>}
                {ctx.citizen ? (
                  <>
                    <li><a href="/assistant" aria-current={current(ctx, '/assistant')}>{t('nav.assistant')}</a></li>
                    <li class="secondary-content"><a href="/applications" aria-current={current(ctx, '/applications')}>{t('nav.applications')}</a></li>
                    <li class="secondary-content"><a href="/wallet" aria-current={current(ctx, '/wallet')}>{t('nav.wallet')}</a></li>
                    <li><a href="/account" aria-current={current(ctx, '/account')}>{t('nav.account')}</a></li>
                    <li>
                      <Form ctx={ctx} action="/account/sign-out" class="inline-form">
                        <button type="submit" class="link-button">{t('nav.signOut')}</button>
                      </Form>
                    </li>
                  </>
                ) : !ctx.staff && !console ? <li><a href="/account/sign-in">{t('nav.citizenSignIn')}</a></li> : null}
                {ctx.staff ? (
                  <>
                    <li><a href="/console" aria-current={ctx.path === '/console' ? 'page' : undefined}>{t('nav.console')}</a></li>
                    <li>
                      <Form ctx={ctx} action="/console/sign-out" class="inline-form">
                        <button type="submit" class="link-button">{t('nav.signOut')}</button>
                      </Form>
                    </li>
                  </>
                ) : ctx.citizen ? null : (
                  <li class="secondary-content"><a href="/console/sign-in">{t('nav.signIn')}</a></li>
                )}
              </ul>
            </nav>
          </header>
          {ctx.sampleData ? <p class="sample-banner">{t('sample.banner')}</p> : null}
          <main id="main" tabindex="-1">
            {props.children}
          </main>
          <footer class="site-footer">
            <p>{t('footer.text')}</p>
            <ul>
              <li><a href="/api/docs">{t('footer.api')}</a></li>
            </ul>
          </footer>
        </body>
      </html>
    </>
  );
}

export function ErrorPage(props: { ctx: PageContext; title: string; detail?: string | undefined; children?: Child }) {
  const t = uiMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      {props.detail ? <p>{props.detail}</p> : null}
      {props.children}
      <p><a href="/">{t('errors.back')}</a></p>
      <p class="hint">{t('errors.reference', { requestId: props.ctx.requestId })}</p>
    </Page>
  );
}
