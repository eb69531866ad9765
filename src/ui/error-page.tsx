import type { DomainError } from '../platform/errors.ts';
import { ErrorPage } from './layout.tsx';
import { uiMessages } from './messages.ts';
import type { PageContext } from './page-context.ts';

export function renderErrorPage(ctx: PageContext, error: DomainError): string {
  const t = uiMessages(ctx.locale);
  const csrf = error.code === 'forbidden' && error.message.startsWith('The form has expired');
  // Details of an internal error stay in the log; the page gives the reference to quote instead.
  const detail = csrf ? t('error.csrf') : error.code === 'internal' ? undefined : error.message;
  return String(<ErrorPage ctx={ctx} title={t(`error.${error.code}`)} detail={detail} />);
}
