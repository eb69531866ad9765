import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, fieldId, Form, Page, SelectField, TextField, type PageContext } from '../../ui/index.ts';
import { formatHkd, type PaymentItem } from '../item.ts';
import { paymentMessages } from '../messages.ts';
import type { Payment } from '../payment.ts';
import type { PendingRefund, Refund } from '../refund.ts';

export interface BillFormValues { itemId?: string; reference?: string; citizenId?: string; dueDate?: string }

export function ConsolePaymentsPage(props: { ctx: PageContext; payments: Payment[]; items: PaymentItem[]; values?: BillFormValues; errors: FieldError[] }) {
  const { ctx, values = {} } = props;
  const t = paymentMessages(ctx.locale);
  return (
    <Page ctx={ctx} title={t('console.title')} area="console">
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <h1>{t('console.title')}</h1>
      <p>{t('console.intro')}</p>
      {props.payments.length === 0 ? <p>{t('console.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('console.created')}</th><th scope="col">{t('console.reference')}</th><th scope="col">{t('payment.amount')}</th><th scope="col">{t('payment.status')}</th></tr></thead>
            <tbody>
              {props.payments.map((p) => (
                <tr>
                  <td><a href={`/console/payments/${p.id}`}>{p.createdAt.slice(0, 16).replace('T', ' ')}</a></td>
                  <td>{p.reference ?? ''}</td>
                  <td>{formatHkd(p.amountCents)}</td>
                  <td>{t(`state.${p.state}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.items.length > 0 ? (
        <>
          <h2>{t('console.issueBill')}</h2>
          <Form ctx={ctx} action="/console/bills">
            <SelectField name="itemId" label={t('console.billItem')} value={values.itemId}
              options={props.items.map((i) => ({ value: i.id, label: `${i.name[ctx.locale]} (${formatHkd(i.amountCents)})` }))} />
            <TextField name="reference" label={t('console.billReference')} value={values.reference} errors={props.errors} />
            <TextField name="citizenId" label={t('console.billCitizen')} hint={t('console.billCitizenHint')} value={values.citizenId} errors={props.errors} />
            <TextField name="dueDate" type="date" label={t('console.billDue')} hint={t('console.billDueHint')} value={values.dueDate} errors={props.errors} />
            <Button>{t('console.billIssue')}</Button>
          </Form>
        </>
      ) : null}
    </Page>
  );
}

/**
 * One payment for its department: refunds so far, refunds the provider has not confirmed (each with a button to send it
 * again, and no new refund form meanwhile), and a refund form for those allowed to refund.
 */
export function ConsolePaymentPage(props: {
  ctx: PageContext; payment: Payment; item: PaymentItem; refunds: Refund[]; pending: PendingRefund[]; canRefund: boolean; idempotencyKey: string; amount?: string;
  errors: FieldError[]; done?: boolean;
}) {
  const { ctx, payment } = props;
  const t = paymentMessages(ctx.locale);
  const left = payment.amountCents - payment.refundedCents;
  return (
    <Page ctx={ctx} title={t('payment.title')} area="console">
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <h1>{t('payment.title')}</h1>
      {props.done ? <p role="status">{t('console.refundDone')}</p> : null}
      <dl class="summary-list">
        <dt>{t('payment.item')}</dt><dd>{props.item.name[ctx.locale]} ({props.item.revenueCode})</dd>
        <dt>{t('payment.amount')}</dt><dd>{formatHkd(payment.amountCents)}</dd>
        <dt>{t('payment.status')}</dt><dd>{t(`state.${payment.state}`)}</dd>
        <dt>{t('console.reference')}</dt><dd>{payment.reference ?? ''}</dd>
        <dt>{t('console.refunded')}</dt><dd>{formatHkd(payment.refundedCents)}</dd>
        {payment.duplicateOf ? <><dt>{t('console.duplicateOf')}</dt><dd><a href={`/console/payments/${payment.duplicateOf}`}>{payment.duplicateOf}</a> ({t('console.duplicateRefunded')})</dd></> : null}
      </dl>
      <h2>{t('console.refunds')}</h2>
      {props.refunds.length === 0 ? <p>{t('console.noRefunds')}</p> : (
        <ul>{props.refunds.map((r) => <li>{r.createdAt.slice(0, 16).replace('T', ' ')}: {formatHkd(r.amountCents)}</li>)}</ul>
      )}
      {props.pending.length > 0 ? (
        <>
          <h2>{t('console.pendingTitle')}</h2>
          {props.pending.map((r) => (
            <div id={fieldId(`pending-${r.id}`)} class="pending-refund">
              <p>{t(r.refusedAt ? 'console.refusedRefund' : 'console.pendingRefund', { amount: formatHkd(r.amountCents) })}</p>
              {props.canRefund ? <Form ctx={ctx} action={`/console/payments/${payment.id}/refunds/${r.id}/send`}><Button>{t('console.sendPending')}</Button></Form> : null}
            </div>
          ))}
        </>
      ) : null}
      {props.canRefund && payment.state === 'success' && left > 0 && props.pending.length === 0 ? (
        <Form ctx={ctx} action={`/console/payments/${payment.id}/refunds`}>
          <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
          <TextField name="amount" label={t('console.refundAmount')} hint={t('console.refundHint', { left: formatHkd(left) })} value={props.amount} errors={props.errors} />
          <Button>{t('console.refund')}</Button>
        </Form>
      ) : null}
    </Page>
  );
}
