import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { DomainError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { safeReturnPath } from '../platform/http/return-path.ts';
import { linkHolder, paymentDeps } from './deps.ts';
import * as items from './item.ts';
import * as payments from './payment.ts';
import * as bills from './bill.ts';
import { paymentReceipt } from './receipt.ts';
import { refreshFromProvider } from './reconciliation.ts';
import { duplicateRefundState } from './refund.ts';
import { BILL_PURPOSE } from './settled-handlers.ts';
import { BillPage, PaymentPage } from './views/payment.tsx';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** Where, on this site, the payer finds what a payment was for; null when there is no such page. */
export type ReturnPathFor = (payment: payments.Payment) => string | null;

// By purpose, like the settled handlers: registering again (a second app in the same process) replaces.
const returnPaths = new Map<string, ReturnPathFor>();

/**
 * Another module names the page of the record a payment with its purpose pays for, e.g.
 * `onPaymentReturn('application_fee', (p) => `/applications/${p.reference}`)`: the payment page links back to it, so
 * a payer whose payment failed or was cancelled can start another one there.
 */
export function onPaymentReturn(purpose: string, pathFor: ReturnPathFor): void {
  returnPaths.set(purpose, pathFor);
}

/** The page a payment leads back to: a bill's own page, or the one its purpose's owner registered (on this site only). */
export function returnPathOf(payment: payments.Payment): string | undefined {
  if (!payment.reference) return undefined;
  if (payment.purpose === BILL_PURPOSE) return `/bills/${payment.reference}`;
  const path = returnPaths.get(payment.purpose)?.(payment);
  return path ? safeReturnPath(path, '') || undefined : undefined;
}

export const paymentPageRoutes: ModuleRoutes = async (app, services) => {
  const deps = paymentDeps(services);
  const { db, config } = services;
  const sample = config.SEED_SAMPLE_DATA;

  const showPayment = async (id: string) => {
    const payment = await payments.getPayment(db, id);
    const duplicateRefund = payment.duplicateOf ? await duplicateRefundState(db, payment.id) : undefined;
    return { payment, item: await items.findPaymentItem(db, payment.itemId), duplicateRefund, back: returnPathOf(payment) };
  };

  app.get('/payments/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const shown = await showPayment(request.params.id);
    return sendPage(reply, <PaymentPage ctx={pageContext(request, reply, sample)} {...shown} />);
  });

  app.get('/payments/:id/pay', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const next = await payments.hostedPageUrl(db, request.params.id);
    if ('url' in next) return reply.redirect(next.url, 303);
    const shown = await showPayment(request.params.id);
    return sendPage(reply, <PaymentPage ctx={pageContext(request, reply, sample)} {...shown} stopped={next.stopped} />, 409);
  });

  // The payer's way back from the provider. The outcome comes from the provider itself, never from the query string.
  app.get('/payments/:id/return', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    await refreshFromProvider(deps, requestContext(request, linkHolder), request.params.id, request.log);
    const shown = await showPayment(request.params.id);
    return sendPage(reply, <PaymentPage ctx={pageContext(request, reply, sample)} {...shown} />);
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
