import type { Logger } from 'pino';
import type { RequestContext } from '../platform/context.ts';
import { systemContext } from '../platform/context.ts';
import type { ModuleRoutes, Services } from '../platform/services.ts';
import { paymentDeps, type PaymentDeps } from './deps.ts';
import { settleFromProvider, type Applied, type Warnings } from './settlement.ts';
import { reasonOf, sendRefund } from './refund.ts';
import { presentPayment } from './payment.ts';
import * as store from './store.ts';

/** Asks the provider where an unfinished payment stands and applies the answer, as a webhook would be. */
export async function refreshFromProvider(deps: PaymentDeps, ctx: RequestContext, paymentId: string, logger?: Warnings): Promise<Applied | undefined> {
  const payment = await store.paymentById(deps.db, paymentId);
  if (!payment) return undefined;
  if (payment.finished || !payment.provider_payment_id) return { payment: presentPayment(payment), changed: false, settled: false };
  return settleFromProvider(deps, ctx, await deps.provider.status(payment.provider_payment_id), logger);
}

export interface ReconciliationResult { checked: number; changed: number; settled: number; failed: number; refunded: number }

/**
 * Sends refunds that were reserved but never confirmed (a crash, or the provider out of reach), each once, with the
 * key they were reserved under: a person's refund whose first sending failed goes out once, since the console refuses
 * a new one while it is pending. Refunds the provider refused are left to an operator (see refund.ts).
 */
async function sendPendingRefunds(deps: PaymentDeps, ctx: RequestContext, reservedBefore: Date, result: ReconciliationResult, logger?: Logger): Promise<void> {
  for (const refund of await store.pendingRefunds(deps.db, reservedBefore, 500)) {
    const payment = (await store.paymentById(deps.db, refund.payment_id))!;
    try {
      if ((await sendRefund(deps, ctx, refund, payment, reasonOf(refund))).confirmed) result.refunded++;
    } catch (error) {
      logger?.warn({ err: error, paymentId: payment.id, refundId: refund.id }, 'refund could not be sent');
      result.failed++;
    }
  }
}

/**
 * Asks the provider about payments we still think unfinished: the payer never came back, or the webhook was lost.
 * Each answer goes through the same settlement as a webhook, so a payment settles once however they race.
 * The provider cancels payments past their expiry when asked, so abandoned ones end as `cancelled`. Then refunds that
 * were reserved but never confirmed (a duplicate payment's, when the provider could not be reached) are sent.
 */
export async function reconcilePayments(
  deps: PaymentDeps, ctx: RequestContext, options: { olderThanMinutes?: number; pageSize?: number; logger?: Logger } = {},
): Promise<ReconciliationResult> {
  const createdBefore = new Date(Date.now() - (options.olderThanMinutes ?? 5) * 60_000);
  const result: ReconciliationResult = { checked: 0, changed: 0, settled: 0, failed: 0, refunded: 0 };
  let after: { created_at: Date; id: string } | undefined;
  for (;;) {
    const page = await store.unfinishedPayments(deps.db, createdBefore, after, options.pageSize ?? 500);
    for (const { id } of page) {
      result.checked++;
      try {
        const applied = await refreshFromProvider(deps, ctx, id, options.logger);
        if (applied?.changed) result.changed++;
        if (applied?.settled) result.settled++;
      } catch (error) {
        // One payment the provider cannot answer for must not stop the others; the next run tries again.
        options.logger?.warn({ err: error, paymentId: id }, 'payment could not be reconciled');
        result.failed++;
      }
    }
    if (page.length < (options.pageSize ?? 500)) break;
    after = page.at(-1);
  }
  await sendPendingRefunds(deps, ctx, createdBefore, result, options.logger);
  return result;
}

/** `smartgov payments reconcile`: one pass, printed; exit code 1 if any payment could not be checked. */
export async function runReconciliation(services: Services, options: { olderThanMinutes?: number } = {}): Promise<number> {
  const result = await reconcilePayments(paymentDeps(services), systemContext('payments reconciliation'), { ...options, logger: services.logger });
  services.logger.info(result, 'payments reconciled');
  console.log(`Payments reconciled: ${result.checked} checked, ${result.changed} changed, ${result.settled} settled, ${result.refunded} refunds sent, ${result.failed} could not be checked.`);
  return result.failed > 0 ? 1 : 0;
}

/**
 * One pass, unless another process is running one (then `undefined`): every app schedules passes, and one at a time
 * is enough (they would settle each payment once all the same, but ask the provider about each payment again).
 */
export async function reconcileUnlessRunning(deps: PaymentDeps, ctx: RequestContext, options: Parameters<typeof reconcilePayments>[2] = {}): Promise<ReconciliationResult | undefined> {
  return deps.db.connection().execute(async (conn) => {
    if (!(await store.tryReconciliationLock(conn))) return undefined;
    try {
      return await reconcilePayments(deps, ctx, options);
    } finally {
      await store.releaseReconciliationLock(conn);
    }
  });
}

/** Reconciles every `everyMs` (one pass at a time, across processes) until stopped. */
export function startReconciliation(deps: PaymentDeps, logger: Logger, options: { everyMs?: number; olderThanMinutes?: number } = {}): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => reconcileUnlessRunning(deps, systemContext('payments reconciliation'), { logger, olderThanMinutes: options.olderThanMinutes }))
      .catch((error: unknown) => logger.warn({ err: error }, 'payments reconciliation failed; retrying'));
  }, options.everyMs ?? 5 * 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Every running app reconciles every 5 minutes, so that a payment whose payer never came back and whose webhooks were
 * lost settles (and its record moves on) without an operator; `smartgov payments reconcile` does the same on demand.
 * The passes of several processes take turns (see reconcileUnlessRunning).
 */
export const reconciliationLoop: ModuleRoutes = async (app, services) => {
  const loop = startReconciliation(paymentDeps(services), services.logger);
  app.addHook('onClose', () => loop.stop());
};
