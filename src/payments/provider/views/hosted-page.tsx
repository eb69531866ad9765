import type { FieldError } from '../../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, TextField, type PageContext } from '../../../ui/index.ts';
import { formatHkd } from '../../item.ts';
import { paymentMessages } from '../../messages.ts';
import type { HostedPayment } from '../builtin.ts';

/** The provider's hosted payment page: two plain forms, so it works without JavaScript. */
export function HostedPaymentPage(props: { ctx: PageContext; payment: HostedPayment; errors: FieldError[]; card?: string }) {
  const { ctx, payment } = props;
  const t = paymentMessages(ctx.locale);
  const base = `/pay/provider/payments/${payment.id}`;
  return (
    <Page ctx={ctx} title={t('hosted.title')}>
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <p class="hint">{t('hosted.provider')}</p>
      <h1>{t('hosted.title')}</h1>
      <dl class="summary-list">
        <dt>{t('payment.item')}</dt><dd>{payment.description}</dd>
        <dt>{t('payment.amount')}</dt><dd>{formatHkd(payment.amount_cents)}</dd>
      </dl>
      {payment.finished ? (
        <>
          <p role="status">{payment.failure_reason === 'expired' ? t('hosted.expired') : t('hosted.finished')}</p>
          <p><a href={payment.return_url}>{t('hosted.back')}</a></p>
        </>
      ) : (
        <>
          <Form ctx={ctx} action={`${base}/pay`}>
            <TextField name="cardNumber" label={t('hosted.card')} hint={t('hosted.cardHint')} value={props.card} autocomplete="cc-number" errors={props.errors} />
            <Button>{t('hosted.pay')}</Button>
          </Form>
          <Form ctx={ctx} action={`${base}/cancel`}>
            <Button variant="secondary">{t('hosted.cancel')}</Button>
          </Form>
        </>
      )}
    </Page>
  );
}
