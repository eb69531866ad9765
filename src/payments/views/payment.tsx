import type { Child } from '#jsx/jsx-runtime';
import { Button, Form, Page, type PageContext } from '../../ui/index.ts';
import type { Bill } from '../bill.ts';
import { formatHkd, type PaymentItem } from '../item.ts';
import { paymentMessages } from '../messages.ts';
import type { Payment } from '../payment.ts';

function Summary(props: { ctx: PageContext; item: PaymentItem; amountCents: number; children?: Child }) {
  const t = paymentMessages(props.ctx.locale);
  return (
    <dl class="summary-list">
      <dt>{t('payment.item')}</dt><dd>{props.item.name[props.ctx.locale]}</dd>
      <dt>{t('payment.amount')}</dt><dd>{formatHkd(props.amountCents)}</dd>
      {props.children}
    </dl>
  );
}

/**
 * The payer's view of one payment: where it stands, read from our records (never from the query string). A duplicate
 * payment (what it paid for was already paid) says that it is refunded, and whether the refund has gone through.
 * `stopped`: the payer asked to pay, but there is nothing to pay (see hostedPageUrl).
 */
export function PaymentPage(props: { ctx: PageContext; payment: Payment; item: PaymentItem; duplicateRefund?: 'refunded' | 'refunding'; stopped?: 'finishedAlready' | 'paidElsewhere'; back?: string }) {
  const { ctx, payment } = props;
  const t = paymentMessages(ctx.locale);
  const outcome = props.stopped ? t(`payment.${props.stopped}`) : props.duplicateRefund ? t(props.duplicateRefund === 'refunded' ? 'payment.duplicate' : 'payment.duplicatePending', { amount: formatHkd(payment.amountCents) })
    : payment.state === 'success' ? t('payment.success') : payment.state === 'cancelled' ? t('payment.cancelled') : payment.finished ? t('payment.failed') : t('payment.pending');
  // `back`: the page of what the payment is for (see returnPathOf). After a failed or cancelled payment, that is where
  // a new one starts: a bill's page starts it directly, another record's page offers its own way to pay.
  const retry = payment.finished && payment.state !== 'success';
  const backLabel = !retry ? t('payment.back') : payment.purpose === 'bill' ? t('payment.tryAgain') : t('payment.backToPayAgain');
  return (
    <Page ctx={ctx} title={t('payment.title')}>
      <h1>{t('payment.title')}</h1>
      <p class={`payment-outcome payment-${payment.state}`} role="status">{outcome}</p>
      <Summary ctx={ctx} item={props.item} amountCents={payment.amountCents}>
        <>
          <dt>{t('payment.status')}</dt><dd>{t(`state.${payment.state}`)}</dd>
          {payment.refundedCents > 0 ? <><dt>{t('payment.refunded')}</dt><dd>{formatHkd(payment.refundedCents)}</dd></> : null}
        </>
      </Summary>
      {!payment.finished && !props.stopped ? <p><a class="button button-primary" href={`/payments/${payment.id}/pay`}>{t('payment.pay')}</a></p> : null}
      {payment.state === 'success' ? <p><a href={`/payments/${payment.id}/receipt.pdf`}>{t('payment.receipt')}</a></p> : null}
      {props.back ? <p><a href={props.back}>{backLabel}</a></p> : null}
    </Page>
  );
}

/** A bill: paying it makes a payment with a key fixed in the form, so a double submit makes one payment. */
export function BillPage(props: { ctx: PageContext; bill: Bill; item: PaymentItem; idempotencyKey: string }) {
  const { ctx, bill } = props;
  const t = paymentMessages(ctx.locale);
  return (
    <Page ctx={ctx} title={t('bill.title')}>
      <h1>{t('bill.title')}</h1>
      <Summary ctx={ctx} item={props.item} amountCents={bill.amountCents}>
        <><dt>{t('bill.reference')}</dt><dd>{bill.reference}</dd><dt>{t('bill.due')}</dt><dd>{bill.dueDate}</dd></>
      </Summary>
      {bill.paid ? <p role="status">{t('bill.paid')}</p> : (
        <Form ctx={ctx} action={`/bills/${bill.id}/pay`}>
          <input type="hidden" name="idempotencyKey" value={props.idempotencyKey} />
          <Button>{t('bill.pay')}</Button>
        </Form>
      )}
    </Page>
  );
}
