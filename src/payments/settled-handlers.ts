import type { Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Payment } from './payment.ts';

/** Runs in the settlement's own transaction, so the paid-for record moves on exactly when the payment settles. */
export type SettledHandler = (trx: Trx, ctx: RequestContext, payment: Payment) => Promise<void>;

/** Bills are this module's own records: the settlement marks a bill paid itself (store.markBillPaid), with no handler. */
export const BILL_PURPOSE = 'bill';

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

/** The handler for a purpose, if another module registered one. */
export const settledHandlerFor = (purpose: string): SettledHandler | undefined => settledHandlers.get(purpose);

/** Whether a payment with this purpose pays for one record, so that a second one for the same record is a duplicate. */
export const paysForRecord = (purpose: string): boolean => purpose === BILL_PURPOSE || settledHandlers.has(purpose);

/** Every purpose whose payments pay for one record (a counter payment, for one, pays for none). */
export const recordPurposes = (): string[] => [BILL_PURPOSE, ...settledHandlers.keys()];
