import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, TextField, type PageContext } from '../../ui/index.ts';
import { formatHkd, type PaymentItem } from '../item.ts';
import { paymentMessages } from '../messages.ts';

export interface ItemFormValues { nameEn?: string; nameZhHk?: string; amount?: string; revenueCode?: string }

export function PaymentItemsPage(props: { ctx: PageContext; items: PaymentItem[]; canCreate: boolean; values?: ItemFormValues; errors: FieldError[] }) {
  const { ctx, values = {} } = props;
  const t = paymentMessages(ctx.locale);
  return (
    <Page ctx={ctx} title={t('items.title')} area="console">
      <ErrorSummary ctx={ctx} errors={props.errors} />
      <h1>{t('items.title')}</h1>
      <p>{t('items.intro')}</p>
      {props.items.length === 0 ? <p>{t('items.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('items.name')}</th><th scope="col">{t('items.amount')}</th><th scope="col">{t('items.revenueCode')}</th></tr></thead>
            <tbody>
              {props.items.map((item) => <tr><td>{item.name[ctx.locale]}</td><td>{formatHkd(item.amountCents)}</td><td>{item.revenueCode}</td></tr>)}
            </tbody>
          </table>
        </div>
      )}
      {props.canCreate ? (
        <>
          <h2>{t('items.new')}</h2>
          <Form ctx={ctx} action="/console/payment-items">
            <TextField name="nameEn" label={t('items.nameEn')} value={values.nameEn} errors={props.errors} />
            <TextField name="nameZhHk" label={t('items.nameZhHk')} value={values.nameZhHk} errors={props.errors} />
            <TextField name="amount" label={t('items.amountHkd')} hint={t('items.amountHint')} value={values.amount} errors={props.errors} />
            <TextField name="revenueCode" label={t('items.revenueCode')} hint={t('items.revenueCodeHint')} value={values.revenueCode} errors={props.errors} />
            <Button>{t('items.create')}</Button>
          </Form>
        </>
      ) : null}
    </Page>
  );
}
