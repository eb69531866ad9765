import type { DomainError } from '../platform/errors.ts';
import { SchemaInputError } from '../platform/http/problem.ts';
import { inputMessages } from './input-messages.ts';
import { describeInputProblems } from './input-problems.ts';
import { ErrorPage } from './layout.tsx';
import { uiMessages } from './messages.ts';
import type { PageContext } from './page-context.ts';

export function renderErrorPage(ctx: PageContext, error: DomainError): string {
  const t = uiMessages(ctx.locale);
  if (error instanceof SchemaInputError) return String(<InputErrorPage ctx={ctx} error={error} />);
  const csrf = error.code === 'forbidden' && error.message.startsWith('The form has expired');
  // Details of an internal error stay in the log; the page gives the reference to quote instead.
  const detail = csrf ? t('error.csrf') : error.code === 'internal' ? undefined : error.message;
  return String(<ErrorPage ctx={ctx} title={t(`error.${error.code}`)} detail={detail} />);
}

/** Input the route's schema refused: each reason in the page's language, not the API's English. */
function InputErrorPage(props: { ctx: PageContext; error: SchemaInputError }) {
  const problems = describeInputProblems(props.ctx.locale, props.error);
  const fromForm = problems.some((p) => p.field !== 'params' && p.field !== 'headers');
  return (
    <ErrorPage ctx={props.ctx} title={uiMessages(props.ctx.locale)('error.invalid_input')}>
      <div class="error-summary" role="alert" tabindex="-1">
        <ul>
          {problems.map((p) => <li>{p.reason}</li>)}
        </ul>
      </div>
      {fromForm ? <p>{inputMessages(props.ctx.locale)('input.back')}</p> : null}
    </ErrorPage>
  );
}
