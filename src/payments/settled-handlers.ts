import type { Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Payment } from './payment.ts';

/** Runs in the settlement's own transaction, so the paid-for record moves on exactly when the payment settles. */
export type SettledHandler = (trx: Trx, ctx: RequestContext, payment: Payment) => Promise<void>;

// By purpose, so registering again (a second app in the same process) replaces rather than doubles.
const settledHandlers = new Map<string, SettledHandler>();

/**
 * Another module asks to hear, once, when a payment with its purpose succeeds, e.g. `onPaymentSettled('fee', …)`.
 * Such a payment pays for one record (its reference): a second successful payment for the same record is a duplicate,
 * refunded in full, and the handler does not hear of it.
 */
export function onPaymentSettled(purpose: string, handler: SettledHandler): void {
  settledHandlers.set(purpose, handler);
}

/** The handler for a purpose, if one pays for records (a counter payment, for one, has none). */
export const settledHandlerFor = (purpose: string): SettledHandler | undefined => settledHandlers.get(purpose);
