import { Button, Form, Page, type PageContext } from '../../ui/index.ts';
import type { ApplicationView } from '../application.ts';
import type { ApplicationStatus } from '../store.ts';
import { applicationMessages } from '../application-messages.ts';
import { AnswersList, type AnswerFiles } from './apply.tsx';

type Listed = { id: string; reference: string; status: ApplicationStatus; name_en: string; name_zh_hk: string; name_zh_cn: string };
export const localName = (row: { name_en: string; name_zh_hk: string; name_zh_cn: string }, locale: PageContext['locale']) =>
  locale === 'en' ? row.name_en : locale === 'zh-HK' ? row.name_zh_hk : row.name_zh_cn;

export function MyApplicationsPage(props: { ctx: PageContext; applications: Listed[] }) {
  const t = applicationMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('mine.title')}>
      <h1>{t('mine.title')}</h1>
      {props.applications.length === 0 ? <p>{t('mine.none')}</p> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('mine.reference')}</th><th scope="col">{t('mine.service')}</th><th scope="col">{t('mine.status')}</th></tr></thead>
          <tbody>{props.applications.map((a) => (
            <tr><td><a href={`/applications/${a.id}`}>{a.reference}</a></td><td>{localName(a, props.ctx.locale)}</td><td>{t(`status.${a.status}`)}</td></tr>
          ))}</tbody>
        </table></div>
      )}
    </Page>
  );
}

/** Events worded for staff where the applicant's wording ("You sent…") would speak to the wrong reader. */
const STAFF_EVENTS = new Set(['information_requested', 'information_provided']);
/** The department's own work, not shown to the applicant. */
const INTERNAL_EVENTS = new Set(['assigned', 'unassigned']);

export function History(props: { ctx: PageContext; view: ApplicationView; staff?: boolean }) {
  const t = applicationMessages(props.ctx.locale);
  const label = (kind: string) => (props.staff && STAFF_EVENTS.has(kind) ? t(`officer.event.${kind as 'information_provided'}`) : t(`event.${kind as 'submitted'}`));
  return (
    <ol class="history">
      {props.view.events.filter((e) => props.staff || !INTERNAL_EVENTS.has(e.kind)).map((e) => (
        <li>
          <strong>{label(e.kind)}</strong> <time datetime={e.occurred_at.toISOString()}>{e.occurred_at.toISOString().slice(0, 16).replace('T', ' ')}</time>
          {e.message ? <p class="message">{e.message}</p> : null}
        </li>
      ))}
    </ol>
  );
}

export function ApplicationPage(props: { ctx: PageContext; view: ApplicationView; files: AnswerFiles }) {
  const { ctx, view } = props;
  const t = applicationMessages(ctx.locale);
  const a = view.application;
  const open = ['awaiting_payment', 'payment_due', 'submitted', 'information_requested', 'recommended'].includes(a.status);
  const fee = `HK$${(view.service.feeCents / 100).toFixed(2)}`;
  // A fee due on approval is asked for only then: said beforehand, so that the request comes as no surprise.
  const feeLater = view.service.feeItemId !== null && view.service.feeDue === 'approval' && ['submitted', 'information_requested', 'recommended'].includes(a.status);
  return (
    <Page ctx={ctx} title={t('detail.title', { reference: a.reference })}>
      {a.status === 'submitted' && view.events.at(-1)?.kind === 'submitted' ? <div class="panel" role="status"><h2>{t('detail.submitted')}</h2><p>{a.reference}</p></div> : null}
      <h1>{t('detail.title', { reference: a.reference })}</h1>
      <p>{view.service.name[ctx.locale]}: <strong>{t(`status.${a.status}`)}</strong></p>
      {a.status === 'draft' ? <p><a href={`/applications/${a.id}/steps/${view.definition.steps[0]!.id}`}>{t('detail.continue')}</a></p> : null}
      {a.status === 'awaiting_payment' || a.status === 'payment_due' ? (
        <Form ctx={ctx} action={`/applications/${a.id}/pay`}>
          <p>{t(a.status === 'payment_due' ? 'detail.payDueHint' : 'detail.payHint')}</p>
          <Button>{t(a.status === 'payment_due' ? 'detail.payDue' : 'detail.pay', { amount: fee })}</Button>
        </Form>
      ) : null}
      {open ? <p>{t('detail.next', { pledge: view.service.pledgeWorkingDays ? String(view.service.pledgeWorkingDays) : 'none' })}</p> : null}
      {feeLater ? <p>{t('detail.feeOnApproval', { amount: fee })}</p> : null}
      {a.status === 'information_requested' ? (
        <Form ctx={ctx} action={`/applications/${a.id}/respond`}>
          <div class="field"><label for="field-message">{t('detail.respondLabel')}</label><textarea id="field-message" name="message" rows="5"></textarea></div>
          <Button>{t('detail.respond')}</Button>
        </Form>
      ) : null}
      <h2>{t('detail.history')}</h2>
      <History ctx={ctx} view={view} />
      <h2>{t('detail.answers')}</h2>
      <AnswersList ctx={ctx} definition={view.definition} answers={a.answers} files={props.files} fileBase={`/applications/${a.id}/files`} />
      {open ? <Form ctx={ctx} action={`/applications/${a.id}/withdraw`}><Button variant="secondary">{t('detail.withdraw')}</Button></Form> : null}
    </Page>
  );
}
