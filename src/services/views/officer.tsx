import { Button, Form, Page, SelectField, type PageContext } from '../../ui/index.ts';
import type { ApplicationView } from '../application.ts';
import type { ApplicationStatus } from '../store.ts';
import { applicationMessages } from '../application-messages.ts';
import { AnswersList, type AnswerFiles } from './apply.tsx';
import { History, localName } from './applications.tsx';

const STATUSES: ApplicationStatus[] = ['submitted', 'information_requested', 'recommended', 'payment_due', 'approved', 'rejected', 'withdrawn'];
/** Statuses whose applicant's wording ("…from you") is reworded for the staff who read about the applicant. */
const statusForStaff = (t: ReturnType<typeof applicationMessages>, status: ApplicationStatus) =>
  status === 'information_requested' || status === 'awaiting_payment' ? t(`officer.status.${status}`) : t(`status.${status}`);
type QueueRow = { id: string; reference: string; status: ApplicationStatus; submitted_at: Date | null; pledge_working_days: number | null; name_en: string; name_zh_hk: string; name_zh_cn: string };

/** The pledge counts working days: weekends are skipped (public holidays are not known here). */
export function pledgeDue(submitted: Date | null, days: number | null): string {
  if (!submitted || !days) return '';
  const due = new Date(submitted);
  for (let left = days; left > 0;) {
    due.setUTCDate(due.getUTCDate() + 1);
    if (due.getUTCDay() !== 0 && due.getUTCDay() !== 6) left--;
  }
  return due.toISOString().slice(0, 10);
}

export function QueuePage(props: { ctx: PageContext; rows: QueueRow[]; status: string | undefined }) {
  const t = applicationMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('queue.title')} area="console">
      <h1>{t('queue.title')}</h1>
      <Form ctx={props.ctx} action="/console/applications" method="get" class="filters">
        <SelectField name="status" label={t('queue.filter')} value={props.status ?? ''} options={[{ value: '', label: t('queue.all') }, ...STATUSES.map((s) => ({ value: s, label: statusForStaff(t, s) }))]} />
        <div class="field"><Button variant="secondary">{t('queue.filter')}</Button></div>
      </Form>
      {props.rows.length === 0 ? <p>{t('queue.none')}</p> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('mine.reference')}</th><th scope="col">{t('mine.service')}</th><th scope="col">{t('mine.status')}</th><th scope="col">{t('queue.due')}</th></tr></thead>
          <tbody>{props.rows.map((r) => (
            <tr><td><a href={`/console/applications/${r.id}`}>{r.reference}</a></td><td>{localName(r, props.ctx.locale)}</td><td>{statusForStaff(t, r.status)}</td><td>{pledgeDue(r.submitted_at, r.pledge_working_days)}</td></tr>
          ))}</tbody>
        </table></div>
      )}
    </Page>
  );
}

export function OfficerApplicationPage(props: { ctx: PageContext; view: ApplicationView; files: AnswerFiles; can: { requestInformation: boolean; recommend: boolean; decide: boolean } }) {
  const { ctx, view, can } = props;
  const t = applicationMessages(ctx.locale);
  const a = view.application;
  const base = `/console/applications/${a.id}`;
  return (
    <Page ctx={ctx} title={t('detail.title', { reference: a.reference })} area="console">
      <h1>{t('detail.title', { reference: a.reference })}</h1>
      <p>{view.service.name[ctx.locale]}: <strong>{statusForStaff(t, a.status)}</strong></p>
      <h2>{t('officer.answers')}</h2>
      <AnswersList ctx={ctx} definition={view.definition} answers={a.answers} files={props.files} fileBase={`${base}/files`} />
      <h2>{t('detail.history')}</h2>
      <History ctx={ctx} view={view} staff />
      {can.recommend ? (
        <Form ctx={ctx} action={`${base}/recommend`}>
          <div class="field"><label for="field-note">{t('officer.noteLabel')}</label><textarea id="field-note" name="message" rows="3"></textarea></div>
          <Button>{t('officer.recommend')}</Button>
        </Form>
      ) : null}
      {can.decide ? (
        <Form ctx={ctx} action={`${base}/decide`}>
          <div class="field"><label for="field-reason">{t('officer.reasonLabel')}</label><textarea id="field-reason" name="message" rows="3"></textarea></div>
          <button type="submit" name="decision" value="approved" class="button button-primary">{t('officer.approve')}</button>{' '}
          <button type="submit" name="decision" value="rejected" class="button button-secondary">{t('officer.reject')}</button>
        </Form>
      ) : null}
      {can.requestInformation ? (
        <Form ctx={ctx} action={`${base}/request-information`}>
          <div class="field"><label for="field-request">{t('officer.requestLabel')}</label><textarea id="field-request" name="message" rows="4"></textarea></div>
          <Button variant="secondary">{t('officer.requestInfo')}</Button>
        </Form>
      ) : null}
    </Page>
  );
}
