import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { ModuleRoutes } from '../platform/services.ts';
import { requireRole, requireStaff } from '../platform/access.ts';
import { systemActor } from '../platform/context.ts';
import { requestContext } from '../platform/http/pages.ts';
import { linkHolder, paymentDeps } from './deps.ts';
import * as items from './item.ts';
import * as payments from './payment.ts';
import * as bills from './bill.ts';
import * as refunds from './refund.ts';
import { settleFromProvider } from './settlement.ts';
import { WEBHOOK_PATH } from './provider/builtin.ts';

const Problem = Type.Ref('Problem');
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({ pattern: '^[A-Za-z0-9_.:-]{8,200}$', description: 'Chosen by the client (e.g. a UUID); a retry with the same key and body gets the same result' }),
});
const tags = ['payments'];
const security = [{ staffSession: [] }];

export const paymentApiRoutes: ModuleRoutes = async (app, services) => {
  const deps = paymentDeps(services);
  const { db } = services;

  app.get('/api/v1/payment-items', {
    schema: { tags, security, summary: "Your organisation's payment items", response: { 200: Type.Object({ items: Type.Array(items.PaymentItem) }), 401: Problem } },
  }, async (request) => {
    requireStaff(request.actor);
    return { items: await items.listPaymentItems(db, requestContext(request)) };
  });

  app.post('/api/v1/payment-items', {
    schema: { tags, security, summary: 'Define a payment item (organisation admin)', body: items.PaymentItemInput, response: { 201: items.PaymentItem, 400: Problem, 401: Problem, 403: Problem } },
  }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin');
    return reply.status(201).send(await items.createPaymentItem(db, requestContext(request), request.body));
  });

  app.get('/api/v1/payment-items/:id', {
    schema: { tags, security, summary: 'One payment item of your organisation', params: IdParams, response: { 200: items.PaymentItem, 401: Problem, 404: Problem } },
  }, async (request) => {
    requireStaff(request.actor);
    return items.getPaymentItem(db, requestContext(request), request.params.id);
  });

  app.post('/api/v1/payments', {
    schema: {
      tags, security, summary: "Take a payment for one of your organisation's items (at a counter, by phone)", headers: IdempotencyHeaders,
      body: Type.Object({ itemId: Type.String({ format: 'uuid' }), reference: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }),
      response: { 200: payments.Payment, 201: payments.Payment, 400: Problem, 401: Problem, 404: Problem, 409: Problem },
    },
  }, async (request, reply) => {
    requireStaff(request.actor);
    const result = await payments.createCounterPayment(deps, requestContext(request), { ...request.body, purpose: 'counter', idempotencyKey: request.headers['idempotency-key'] });
    return reply.status(result.created ? 201 : 200).send(result.payment);
  });

  app.get('/api/v1/payments/:id', {
    schema: { tags, summary: 'A payment, for anyone holding its link', params: IdParams, response: { 200: payments.Payment, 404: Problem } },
  }, async (request) => payments.getPayment(db, request.params.id));

  app.post('/api/v1/payments/:id/refunds', {
    schema: {
      tags, security, summary: 'Refund part or all of a payment (approver or organisation admin)', params: IdParams, headers: IdempotencyHeaders,
      description: 'A 503 means the provider did not confirm: the refund stays reserved; send again with the same Idempotency-Key. Until it is confirmed, a refund with another key is refused (409).',
      body: Type.Object({ amountCents: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
      response: { 200: refunds.Refund, 201: refunds.Refund, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 503: Problem },
    },
  }, async (request, reply) => {
    requireRole(request.actor, 'approver', 'organisation_admin');
    const result = await refunds.refundPayment(deps, requestContext(request), request.params.id, request.body.amountCents, request.headers['idempotency-key']);
    return reply.status(result.created ? 201 : 200).send(result.refund);
  });

  app.get('/api/v1/payments/:id/refunds', {
    schema: { tags, security, summary: "A payment's refunds", params: IdParams, response: { 200: Type.Object({ refunds: Type.Array(refunds.Refund) }), 401: Problem, 403: Problem, 404: Problem } },
  }, async (request) => {
    requireRole(request.actor, 'officer', 'approver', 'organisation_admin');
    return { refunds: await refunds.listRefunds(deps, requestContext(request), request.params.id) };
  });

  app.post('/api/v1/bills', {
    schema: { tags, security, summary: 'Issue a bill for one of your organisation\'s items', body: bills.BillInput, response: { 201: bills.Bill, 400: Problem, 401: Problem, 403: Problem, 404: Problem } },
  }, async (request, reply) => {
    requireRole(request.actor, 'officer', 'approver', 'organisation_admin');
    return reply.status(201).send(await bills.issueBill(db, requestContext(request), request.body));
  });

  app.get('/api/v1/bills/:id', {
    schema: { tags, summary: 'A bill, for anyone holding its link', params: IdParams, response: { 200: bills.Bill, 404: Problem } },
  }, async (request) => bills.getBill(db, request.params.id));

  app.post('/api/v1/bills/:id/payments', {
    schema: { tags, summary: 'Start paying a bill; send the payer to payUrl', params: IdParams, headers: IdempotencyHeaders, response: { 200: payments.Payment, 201: payments.Payment, 400: Problem, 404: Problem, 409: Problem } },
  }, async (request, reply) => {
    const result = await bills.payBill(deps, requestContext(request, linkHolder), request.params.id, request.headers['idempotency-key']);
    return reply.status(result.created ? 201 : 200).send(result.payment);
  });

  // The signature covers the exact bytes sent, so this route keeps the raw body beside the parsed one.
  await app.register(async (webhooks) => {
    const rawBodies = new WeakMap<FastifyRequest, string>();
    webhooks.removeContentTypeParser('application/json');
    webhooks.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      rawBodies.set(request, body as string);
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    webhooks.post(WEBHOOK_PATH, {
      // A provider sends every payment's webhooks from a few addresses: the per-address limit would refuse them at
      // busy times. Only a valid signature changes anything, and checking one costs one HMAC.
      config: { rateLimit: false },
      schema: { tags, summary: "The built-in provider's signed webhook", body: Type.Object({}, { additionalProperties: true }), response: { 204: Type.Null(), 400: Problem, 401: Problem, 404: Problem, 409: Problem } },
    }, async (request, reply) => {
      const event = deps.provider.verifyWebhook(rawBodies.get(request) ?? '', request.headers);
      await settleFromProvider(deps, requestContext(request, systemActor('payment provider webhook')), event, request.log);
      return reply.status(204).send();
    });
  });
};
