import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { hasRole, requireRole, requireStaff } from '../platform/access.ts';
import { DomainError, type FieldError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { linkHolder, paymentDeps } from './deps.ts';
import * as items from './item.ts';
import * as payments from './payment.ts';
import * as bills from './bill.ts';
import { paymentMessages } from './messages.ts';
import { paymentReceipt } from './receipt.ts';
import { refreshFromProvider } from './reconciliation.ts';
import { PaymentItemsPage, type ItemFormValues } from './views/items.tsx';
import { BillPage, PaymentPage } from './views/payment.tsx';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** "320", "320.5" or "320.50" dollars → cents; anything else is undefined. */
export function parseDollars(text: string): number | undefined {
  const match = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 ? cents : undefined;
}

export const paymentPageRoutes: ModuleRoutes = async (app, services) => {
  const deps = paymentDeps(services);
  const { db, config } = services;
  const sample = config.SEED_SAMPLE_DATA;

  app.get('/console/payment-items', { schema: { hide: true } }, async (request, reply) => {
    const staff = requireStaff(request.actor);
    const ctx = pageContext(request, reply, sample);
    const list = await items.listPaymentItems(db, requestContext(request));
    return sendPage(reply, <PaymentItemsPage ctx={ctx} items={list} canCreate={hasRole(staff, 'organisation_admin')} errors={[]} />);
  });

  app.post('/console/payment-items', {
    schema: { hide: true, body: Type.Object({ nameEn: Type.Optional(Type.String({ maxLength: 200 })), nameZhHk: Type.Optional(Type.String({ maxLength: 200 })), amount: Type.Optional(Type.String({ maxLength: 20 })), revenueCode: Type.Optional(Type.String({ maxLength: 20 })), _csrf: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin');
    const ctx = pageContext(request, reply, sample);
    const t = paymentMessages(ctx.locale);
    const values: ItemFormValues = request.body;
    const amountCents = parseDollars(values.amount ?? '');
    const revenueCode = (values.revenueCode ?? '').trim().toUpperCase();
    const errors: FieldError[] = [];
    if (!values.nameEn?.trim()) errors.push({ field: 'nameEn', reason: t('items.missingNameEn') });
    if (!values.nameZhHk?.trim()) errors.push({ field: 'nameZhHk', reason: t('items.missingNameZhHk') });
    if (amountCents === undefined) errors.push({ field: 'amount', reason: t('items.badAmount') });
    if (!/^[A-Z0-9-]{2,20}$/.test(revenueCode)) errors.push({ field: 'revenueCode', reason: t('items.badRevenueCode') });
    if (errors.length > 0) {
      const list = await items.listPaymentItems(db, requestContext(request));
      return sendPage(reply, <PaymentItemsPage ctx={ctx} items={list} canCreate values={values} errors={errors} />, 400);
    }
    await items.createPaymentItem(db, requestContext(request), { nameEn: values.nameEn!, nameZhHk: values.nameZhHk!, amountCents: amountCents!, revenueCode });
    return reply.redirect('/console/payment-items', 303);
  });

  const showPayment = async (id: string) => {
    const payment = await payments.getPayment(db, id);
    return { payment, item: await items.findPaymentItem(db, payment.itemId) };
  };

  app.get('/payments/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const { payment, item } = await showPayment(request.params.id);
    return sendPage(reply, <PaymentPage ctx={pageContext(request, reply, sample)} payment={payment} item={item} />);
  });

  app.get('/payments/:id/pay', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    return reply.redirect(await payments.hostedPageUrl(db, request.params.id), 303);
  });

  // The payer's way back from the provider. The outcome comes from the provider itself, never from the query string.
  app.get('/payments/:id/return', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    await refreshFromProvider(deps, requestContext(request, linkHolder), request.params.id);
    const { payment, item } = await showPayment(request.params.id);
    return sendPage(reply, <PaymentPage ctx={pageContext(request, reply, sample)} payment={payment} item={item} />);
  });

  app.get('/payments/:id/receipt.pdf', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const pdf = await paymentReceipt(db, request.params.id, request.locale);
    return reply.header('cache-control', 'no-store').header('content-disposition', `inline; filename="receipt-${request.params.id}.pdf"`).type('application/pdf').send(pdf);
  });

  app.get('/bills/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const bill = await bills.getBill(db, request.params.id);
    const item = await items.findPaymentItem(db, bill.itemId);
    return sendPage(reply, <BillPage ctx={pageContext(request, reply, sample)} bill={bill} item={item} idempotencyKey={randomUUID()} />);
  });

  app.post('/bills/:id/pay', {
    schema: { hide: true, params: IdParams, body: Type.Object({ idempotencyKey: Type.Optional(Type.String({ maxLength: 200 })), _csrf: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    const key = request.body.idempotencyKey;
    if (!key) throw new DomainError('invalid_input', 'The form is incomplete. Go back to the bill and try again.');
    const { payment } = await bills.payBill(deps, requestContext(request, linkHolder), request.params.id, key);
    return reply.redirect(`/payments/${payment.id}/pay`, 303);
  });
};
