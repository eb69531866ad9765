import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { hasRole, requireRole, requireStaff } from '../platform/access.ts';
import { notFound, type FieldError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { paymentDeps } from './deps.ts';
import * as items from './item.ts';
import { formatHkd } from './item.ts';
import * as payments from './payment.ts';
import * as refunds from './refund.ts';
import * as bills from './bill.ts';
import { paymentMessages } from './messages.ts';
import { PaymentItemsPage, type ItemFormValues } from './views/items.tsx';
import { ConsolePaymentPage, ConsolePaymentsPage, type BillFormValues } from './views/console-payments.tsx';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** "320", "320.5" or "320.50" dollars → cents; anything else is undefined. */
export function parseDollars(text: string): number | undefined {
  const match = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents > 0 ? cents : undefined;
}

/** The staff console: a department's payment items, its payments, and refunds. */
export const paymentConsoleRoutes: ModuleRoutes = async (app, services) => {
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

  const paymentsPage = async (request: Parameters<typeof requestContext>[0]) => {
    const ctx = requestContext(request);
    const canBill = hasRole(request.actor, 'officer') || hasRole(request.actor, 'approver') || hasRole(request.actor, 'organisation_admin');
    return { payments: await payments.listOrganisationPayments(db, ctx), items: canBill ? await items.listPaymentItems(db, ctx) : [] };
  };

  app.get('/console/payments', { schema: { hide: true } }, async (request, reply) => {
    requireStaff(request.actor);
    return sendPage(reply, <ConsolePaymentsPage ctx={pageContext(request, reply, sample)} {...await paymentsPage(request)} errors={[]} />);
  });

  app.post('/console/bills', {
    schema: { hide: true, body: Type.Object({ itemId: Type.Optional(Type.String({ maxLength: 40 })), reference: Type.Optional(Type.String({ maxLength: 200 })), citizenId: Type.Optional(Type.String({ maxLength: 100 })), dueDate: Type.Optional(Type.String({ maxLength: 20 })), _csrf: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    requireRole(request.actor, 'officer', 'approver', 'organisation_admin');
    const ctx = pageContext(request, reply, sample);
    const t = paymentMessages(ctx.locale);
    const values: BillFormValues = request.body;
    const errors: FieldError[] = [];
    if (!values.reference?.trim()) errors.push({ field: 'reference', reason: t('console.billMissingReference') });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.dueDate ?? '') || Number.isNaN(Date.parse(values.dueDate!)) || values.dueDate! < new Date().toISOString().slice(0, 10)) {
      errors.push({ field: 'dueDate', reason: t('console.billBadDue') });
    }
    // The select offers only this department's items: anything else was not chosen from it.
    if (!/^[0-9a-f-]{36}$/.test(values.itemId ?? '')) throw notFound('The payment item');
    if (errors.length === 0) {
      const bill = await bills.issueBill(db, requestContext(request), {
        itemId: values.itemId ?? '',
        reference: values.reference!, dueDate: values.dueDate!, ...(values.citizenId?.trim() ? { citizenId: values.citizenId.trim() } : {}),
      });
      return reply.redirect(bill.payUrl, 303);
    }
    return sendPage(reply, <ConsolePaymentsPage ctx={ctx} {...await paymentsPage(request)} values={values} errors={errors} />, 400);
  });

  const paymentPage = async (request: Parameters<typeof requestContext>[0], id: string) => {
    const ctx = requestContext(request);
    const payment = await payments.getOrganisationPayment(db, ctx, id);
    const canRefund = hasRole(request.actor, 'approver') || hasRole(request.actor, 'organisation_admin');
    const seesRefunds = canRefund || hasRole(request.actor, 'officer');
    const list = seesRefunds ? await refunds.listRefunds(deps, ctx, id) : [];
    const pending = seesRefunds ? await refunds.listPendingRefunds(deps, ctx, id) : [];
    return { payment, item: await items.findPaymentItem(db, payment.itemId), refunds: list, pending, canRefund, idempotencyKey: randomUUID() };
  };

  /** A refund the page could not make, in the reader's language (never the error's English detail). */
  const refundError = (error: unknown, t: ReturnType<typeof paymentMessages>, left: string): string => {
    if (error instanceof refunds.RefundNotSent) return t('console.refundNotSent');
    if (!(error instanceof refunds.RefundRefused)) throw error;
    return error.refusal === 'pending' ? t('console.refundPending') : error.refusal === 'tooMuch' ? t('console.refundTooMuch', { left })
      : error.refusal === 'notPaid' ? t('console.refundNotPaid') : error.refusal === 'keyReused' ? t('console.refundKeyReused') : t('console.refundRefusedByProvider');
  };
  const leftToRefund = async (request: Parameters<typeof requestContext>[0], id: string) => {
    const payment = await payments.getOrganisationPayment(db, requestContext(request), id);
    return formatHkd(payment.amountCents - payment.refundedCents);
  };

  app.get('/console/payments/:id', { schema: { hide: true, params: IdParams, querystring: Type.Object({ refunded: Type.Optional(Type.String({ maxLength: 1 })) }) } }, async (request, reply) => {
    requireStaff(request.actor);
    const view = await paymentPage(request, request.params.id);
    return sendPage(reply, <ConsolePaymentPage ctx={pageContext(request, reply, sample)} {...view} errors={[]} done={request.query.refunded === '1'} />);
  });

  app.post('/console/payments/:id/refunds', {
    schema: { hide: true, params: IdParams, body: Type.Object({ amount: Type.Optional(Type.String({ maxLength: 20 })), idempotencyKey: Type.Optional(Type.String({ maxLength: 200 })), _csrf: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    requireRole(request.actor, 'approver', 'organisation_admin');
    const ctx = pageContext(request, reply, sample);
    const t = paymentMessages(ctx.locale);
    const amountCents = parseDollars(request.body.amount ?? '');
    let errors: FieldError[] = amountCents === undefined ? [{ field: 'amount', reason: t('items.badAmount') }] : [];
    let status = 400;
    if (!/^[A-Za-z0-9_.:-]{8,200}$/.test(request.body.idempotencyKey ?? '')) errors.push({ field: 'amount', reason: t('console.refundFormIncomplete') });
    if (errors.length === 0) {
      try {
        await refunds.refundPayment(deps, requestContext(request), request.params.id, amountCents!, request.body.idempotencyKey!);
        return reply.redirect(`/console/payments/${request.params.id}?refunded=1`, 303);
      } catch (error) {
        errors = [{ field: 'amount', reason: refundError(error, t, await leftToRefund(request, request.params.id)) }];
        if (error instanceof refunds.RefundNotSent) status = 503;
      }
    }
    const view = await paymentPage(request, request.params.id);
    return sendPage(reply, <ConsolePaymentPage ctx={ctx} {...view} amount={request.body.amount} errors={errors} />, status);
  });

  // Sends again a refund the provider has not confirmed (an outage, or a refused duplicate refund): same reservation, same key.
  app.post('/console/payments/:id/refunds/:refundId/send', {
    schema: { hide: true, params: Type.Object({ id: Type.String({ format: 'uuid' }), refundId: Type.String({ format: 'uuid' }) }), body: Type.Object({ _csrf: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    requireRole(request.actor, 'approver', 'organisation_admin');
    const ctx = pageContext(request, reply, sample);
    const t = paymentMessages(ctx.locale);
    try {
      await refunds.sendPendingRefund(deps, requestContext(request), request.params.id, request.params.refundId);
      return reply.redirect(`/console/payments/${request.params.id}?refunded=1`, 303);
    } catch (error) {
      const errors = [{ field: `pending-${request.params.refundId}`, reason: refundError(error, t, await leftToRefund(request, request.params.id)) }];
      const view = await paymentPage(request, request.params.id);
      return sendPage(reply, <ConsolePaymentPage ctx={ctx} {...view} errors={errors} />, error instanceof refunds.RefundNotSent ? 503 : 400);
    }
  });
};
