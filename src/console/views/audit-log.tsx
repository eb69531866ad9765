import { Button, Form, Page, SelectField, TextField, uiMessages, type PageContext } from '../../ui/index.ts';
import { auditMessages } from '../audit-messages.ts';
import type { AuditRow } from '../../platform/audit/index.ts';

export interface AuditQuery { action?: string | undefined; recordType?: string | undefined; recordId?: string | undefined; actorId?: string | undefined; organisation?: string | undefined; from?: string | undefined; to?: string | undefined }

export function AuditLogPage(props: { ctx: PageContext; query: AuditQuery; entries: AuditRow[]; organisations: { id: string; label: string }[]; olderHref?: string | undefined }) {
  const t = auditMessages(props.ctx.locale);
  const ui = uiMessages(props.ctx.locale);
  const q = props.query;
  const orgLabel = new Map(props.organisations.map((o) => [o.id, o.label]));
  return (
    <Page ctx={props.ctx} title={t('title')} area="console">
      <h1>{t('title')}</h1>
      <p class="hint">{t('intro')}</p>
      <Form ctx={props.ctx} action="/console/audit" method="get" class="filters">
        <TextField name="action" label={t('filter.action')} value={q.action} />
        <TextField name="recordType" label={t('filter.recordType')} value={q.recordType} />
        <TextField name="recordId" label={t('filter.recordId')} value={q.recordId} />
        <TextField name="actorId" label={t('filter.actor')} value={q.actorId} />
        <SelectField name="organisation" label={t('filter.organisation')} value={q.organisation ?? ''}
          options={[{ value: '', label: t('filter.any') }, ...props.organisations.map((o) => ({ value: o.id, label: o.label }))]} />
        <TextField name="from" type="date" label={t('filter.from')} value={q.from} />
        <TextField name="to" type="date" label={t('filter.to')} value={q.to} />
        <div class="field"><Button variant="secondary">{t('filter.submit')}</Button></div>
      </Form>
      {props.entries.length === 0 ? <p>{t('none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr>
              <th scope="col">{t('col.seq')}</th><th scope="col">{t('col.when')}</th><th scope="col">{t('col.who')}</th>
              <th scope="col">{t('col.action')}</th><th scope="col">{t('col.record')}</th><th scope="col">{t('col.request')}</th>
            </tr></thead>
            <tbody>
              {props.entries.map((e) => (
                <tr>
                  <td>{e.seq ?? '…'}</td>
                  <td><time datetime={e.occurred_at.toISOString()}>{e.occurred_at.toISOString().replace('T', ' ').slice(0, 19)}</time></td>
                  <td>{e.actor_label}<br /><span class="hint">{e.organisation_id ? orgLabel.get(e.organisation_id) : ''}</span></td>
                  <td><code>{e.action}</code></td>
                  <td>{e.record_type}{e.record_id ? <><br /><code>{e.record_id}</code></> : null}</td>
                  <td><code>{e.request_id}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.olderHref ? <nav aria-label={ui('pagination.label')}><a href={props.olderHref}>{ui('pagination.older')}</a></nav> : null}
    </Page>
  );
}
