// The payment-provider port: what the payments module needs from any card/e-wallet acquirer.
// The built-in provider (builtin.ts) implements it; a real one would call its acquirer's HTTP API.

export const PAYMENT_STATES = ['created', 'started', 'submitted', 'success', 'failed', 'cancelled', 'error'] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];
export const FINISHED_STATES: readonly PaymentState[] = ['success', 'failed', 'cancelled', 'error'];

/** States only move forward: a later rank never gives way to an earlier one, whatever order news arrives in. */
export const stateRank = (state: PaymentState): number => (FINISHED_STATES.includes(state) ? 3 : PAYMENT_STATES.indexOf(state));

export interface ProviderPaymentInput {
  amountCents: number;
  description: string;
  /** Our payment id: the provider echoes it back in webhooks. */
  reference: string;
  /** Absolute URL the payer is sent back to when they finish or give up. */
  returnUrl: string;
}

export interface ProviderPaymentStatus {
  providerPaymentId: string;
  reference: string;
  state: PaymentState;
  finished: boolean;
  amountCents: number;
  refundedCents: number;
}

export interface ProviderRefund { refundId: string; amountCents: number }

/** A verified webhook: the provider's word about one payment at one moment. */
export interface ProviderWebhookEvent extends ProviderPaymentStatus { eventId: string }

export interface PaymentProvider {
  readonly name: string;
  /** Idempotent by `reference`: a retry after a crash or a race gets the same provider payment. */
  create(input: ProviderPaymentInput): Promise<{ providerPaymentId: string; nextUrl: string }>;
  status(providerPaymentId: string): Promise<ProviderPaymentStatus>;
  /** Same idempotency key, same refund; never more in total than was paid. */
  refund(providerPaymentId: string, amountCents: number, idempotencyKey: string): Promise<ProviderRefund>;
  /** Checks the signature and age of a webhook; throws `unauthenticated` if either is wrong. */
  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): ProviderWebhookEvent;
}
