import { Button, ErrorSummary, Form, Page, SelectField, type PageContext } from '../../ui/index.ts';
import type { FieldError } from '../../platform/errors.ts';
import type { ApplicationView } from '../application.ts';
import type { ApplicationStatus } from '../store.ts';
import { applicationMessages } from '../application-messages.ts';
import { AnswersList, type AnswerFiles } from './apply.tsx';
import { History, localName } from './applications.tsx';

const STATUSES: ApplicationStatus[] = ['submitted', 'information_requested', 'recommended', 'payment_due', 'approved', 'rejected', 'withdrawn'];
/** Statuses whose applicant's wording ("…from you") is reworded for the staff who read about the applicant. */
const statusForStaff = (t: ReturnType<typeof applicationMessages>, status: ApplicationStatus) =>
  status === 'information_requested' || status === 'awaiting_payment' ? t(`officer.status.${status}`) : t(`status.${status}`);
type QueueRow = { id: string; reference: string; status: ApplicationStatus; pledge_due: string | null; assignee_name: string | null; name_en: string; name_zh_hk: string; name_zh_cn: string };
type Named = { id: string; display_name: string };
type ServiceOption = { id: string; name_en: string; name_zh_hk: string; name_zh_cn: string };
/** The queue's filters, as the GET form sends them ('' is "any"). */
export type QueueFilters = { service: string; status: string; pledge: '' | 'overdue' | 'soon'; assignee: string };

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

export function QueuePage(props: { ctx: PageContext; rows: QueueRow[]; filters: QueueFilters; services: ServiceOption[]; colleagues: Named[] }) {
  const t = applicationMessages(props.ctx.locale);
  const f = props.filters;
  return (
    <Page ctx={props.ctx} title={t('queue.title')} area="console">
      <h1>{t('queue.title')}</h1>
      <Form ctx={props.ctx} action="/console/applications" method="get" class="filters">
        <SelectField name="service" label={t('queue.service')} value={f.service} options={[{ value: '', label: t('queue.allServices') }, ...props.services.map((s) => ({ value: s.id, label: localName(s, props.ctx.locale) }))]} />
        <SelectField name="status" label={t('queue.status')} value={f.status} options={[{ value: '', label: t('queue.all') }, ...STATUSES.map((s) => ({ value: s, label: statusForStaff(t, s) }))]} />
        <SelectField name="pledge" label={t('queue.pledge')} value={f.pledge} options={[{ value: '', label: t('queue.pledgeAny') }, { value: 'overdue', label: t('queue.pledgeOverdue') }, { value: 'soon', label: t('queue.pledgeSoon') }]} />
        <SelectField name="assignee" label={t('queue.assignee')} value={f.assignee} options={[
          { value: '', label: t('queue.assigneeAnyone') }, { value: 'me', label: t('queue.assigneeMe') }, { value: 'none', label: t('queue.assigneeNone') },
          ...props.colleagues.map((c) => ({ value: c.id, label: c.display_name })),
        ]} />
        <div class="field"><Button variant="secondary">{t('queue.filter')}</Button></div>
      </Form>
      {props.rows.length === 0 ? <p>{t('queue.none')}</p> : (
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">{t('mine.reference')}</th><th scope="col">{t('mine.service')}</th><th scope="col">{t('mine.status')}</th><th scope="col">{t('queue.due')}</th><th scope="col">{t('queue.assignee')}</th></tr></thead>
          <tbody>{props.rows.map((r) => (
            <tr><td><a href={`/console/applications/${r.id}`}>{r.reference}</a></td><td>{localName(r, props.ctx.locale)}</td><td>{statusForStaff(t, r.status)}</td><td>{r.pledge_due ?? ''}</td><td>{r.assignee_name ?? t('queue.unassigned')}</td></tr>
          ))}</tbody>
        </table></div>
      )}
    </Page>
  );
}

/** Who works the application, and the buttons to take it, hand it to a colleague or give it back. */
function Assignment(props: { ctx: PageContext; base: string; assignee: Named | undefined; colleagues: Named[]; can: { takeIt: boolean; assignOthers: boolean; unassign: boolean }; errors: FieldError[] }) {
  const { ctx, base, can } = props;
  const t = applicationMessages(ctx.locale);
  return (
    <section aria-labelledby="assignment-title">
      <h2 id="assignment-title">{t('assign.title')}</h2>
      <ErrorSummary ctx={ctx} errors={props.errors.map((e) => ({ field: e.field, reason: t('assign.notInDepartment') }))} />
      <p>{props.assignee ? t('assign.current', { name: props.assignee.display_name }) : t('assign.nobody')}</p>
      {can.takeIt ? <Form ctx={ctx} action={`${base}/assign`}><input type="hidden" name="assignee" value="me" /><Button variant="secondary">{t('assign.me')}</Button></Form> : null}
      {can.assignOthers ? (
        <Form ctx={ctx} action={`${base}/assign`}>
          <SelectField name="assignee" label={t('assign.to')} value={props.assignee?.id ?? ''} options={props.colleagues.map((c) => ({ value: c.id, label: c.display_name }))} />
          <Button variant="secondary">{t('assign.submit')}</Button>
        </Form>
      ) : null}
      {can.unassign ? <Form ctx={ctx} action={`${base}/assign`}><input type="hidden" name="assignee" value="" /><Button variant="secondary">{t('assign.unassign')}</Button></Form> : null}
    </section>
  );
}

export type AssignmentView = { assignee: Named | undefined; colleagues: Named[]; can: { takeIt: boolean; assignOthers: boolean; unassign: boolean }; errors: FieldError[] };

export function OfficerApplicationPage(props: { ctx: PageContext; view: ApplicationView; files: AnswerFiles; can: { requestInformation: boolean; recommend: boolean; decide: boolean }; assignment: AssignmentView }) {
  const { ctx, view, can } = props;
  const t = applicationMessages(ctx.locale);
  const a = view.application;
  const base = `/console/applications/${a.id}`;
  return (
    <Page ctx={ctx} title={t('detail.title', { reference: a.reference })} area="console">
      <h1>{t('detail.title', { reference: a.reference })}</h1>
      <p>{view.service.name[ctx.locale]}: <strong>{statusForStaff(t, a.status)}</strong></p>
      <Assignment ctx={ctx} base={base} {...props.assignment} />
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
