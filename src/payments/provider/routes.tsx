import { Type } from 'typebox';
import type { ModuleRoutes } from '../../platform/services.ts';
import type { FieldError } from '../../platform/errors.ts';
import { notFound } from '../../platform/errors.ts';
import { pageContext, sendPage } from '../../platform/http/pages.ts';
import { builtinProviderFor } from '../deps.ts';
import { paymentMessages } from '../messages.ts';
import { HostedPaymentPage } from './views/hosted-page.tsx';

const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * The built-in provider's hosted payment page at /pay/provider/payments/:id. Like an acquirer's page it needs no
 * sign-in: holding the unguessable link is the authorization. Pay and Cancel end with a redirect to the return URL.
 */
export const providerRoutes: ModuleRoutes = async (app, services) => {
  const provider = builtinProviderFor(services);
  const sample = services.config.SEED_SAMPLE_DATA;
  // The provider's retry loop, as an acquirer runs one: every PAYMENT_WEBHOOK_RETRY_SECONDS (30 s), webhooks our
  // endpoint did not accept go again. 0 turns it off, for tests that call redeliver themselves.
  const everySeconds = services.config.PAYMENT_WEBHOOK_RETRY_SECONDS;
  if (everySeconds > 0) {
    const retries = setInterval(() => void provider.redeliver().catch((error: unknown) => services.logger.warn({ err: error }, 'webhook retry failed')), everySeconds * 1000);
    retries.unref();
    app.addHook('onClose', async () => clearInterval(retries));
  }

  app.get('/pay/provider/payments/:id', { schema: { hide: true, params: Params } }, async (request, reply) => {
    if (!(await provider.hosted(request.params.id))) throw notFound('The payment');
    const payment = await provider.open(request.params.id);
    return sendPage(reply, <HostedPaymentPage ctx={pageContext(request, reply, sample)} payment={payment} errors={[]} />);
  });

  app.post('/pay/provider/payments/:id/pay', {
    schema: { hide: true, params: Params, body: Type.Object({ cardNumber: Type.Optional(Type.String({ maxLength: 40 })), _csrf: Type.Optional(Type.String()) }) },
  }, async (request, reply) => {
    const hosted = await provider.hosted(request.params.id);
    if (!hosted) throw notFound('The payment');
    const card = (request.body.cardNumber ?? '').replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(card)) {
      const ctx = pageContext(request, reply, sample);
      const errors: FieldError[] = [{ field: 'cardNumber', reason: paymentMessages(ctx.locale)('hosted.badCard') }];
      return sendPage(reply, <HostedPaymentPage ctx={ctx} payment={hosted} errors={errors} card={request.body.cardNumber} />, 400);
    }
    const payment = await provider.pay(hosted.id, card);
    return reply.redirect(payment.return_url, 303);
  });

  app.post('/pay/provider/payments/:id/cancel', { schema: { hide: true, params: Params, body: Type.Object({ _csrf: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    const payment = await provider.cancel(request.params.id);
    return reply.redirect(payment.return_url, 303);
  });
};
