import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { DeliveryError, type Transports } from './transports.ts';
import * as store from './store.ts';

/** What became of one attempt: delivered, waiting to be tried again, or given up (refused, or too late to matter). */
export type DeliveryOutcome = 'sent' | 'queued' | 'failed';

const LEASE_SECONDS = 60;
const MAX_ATTEMPTS = 12;
// 30 s, 1 min, 2 min … capped at an hour: about 7 hours of trying in all.
const backoffSeconds = (attempts: number) => Math.min(30 * 2 ** (attempts - 1), 3600);

async function attempt(db: Db, transports: Transports, logger: Logger, message: store.OutboxRow): Promise<DeliveryOutcome> {
  if (message.deliver_before && message.deliver_before.getTime() <= Date.now()) {
    await store.markFailed(db, message.id, 'expired before it could be delivered');
    return 'failed';
  }
  try {
    await transports[message.channel].deliver(message);
    await store.markSent(db, message.id);
    return 'sent';
  } catch (error) {
    const failure = error instanceof DeliveryError ? error : new DeliveryError('transport error', false);
    if (!(error instanceof DeliveryError)) logger.error({ err: error, outbox: message.id }, 'mail transport failed unexpectedly');
    const wait = backoffSeconds(message.attempts);
    const tooLate = message.deliver_before !== null && Date.now() + wait * 1000 >= message.deliver_before.getTime();
    logger.warn({ outbox: message.id, channel: message.channel, attempts: message.attempts, permanent: failure.permanent }, `delivery failed: ${failure.detail}`);
    if (failure.permanent || tooLate || message.attempts >= MAX_ATTEMPTS) {
      await store.markFailed(db, message.id, failure.detail);
      return 'failed';
    }
    await store.scheduleRetry(db, message.id, failure.detail, wait);
    return 'queued';
  }
}

/**
 * Tries one message now (after the transaction that queued it committed); a failure leaves it for the queue. When a
 * background loop claimed it first, its attempt is awaited for a few seconds, so the person is told what happened,
 * not "it may be late" for a message that was in fact sent.
 */
export async function deliverNow(db: Db, transports: Transports, logger: Logger, id: string, waitMs = 5_000): Promise<DeliveryOutcome> {
  const [message] = await store.claimMessages(db, { id, limit: 1, leaseSeconds: LEASE_SECONDS });
  if (message) return attempt(db, transports, logger, message);
  for (const deadline = Date.now() + waitMs; ;) {
    const state = await store.messageState(db, id);
    if (state?.sent_at) return 'sent';
    if (state?.failed_at) return 'failed';
    if (!state || Date.now() >= deadline) return 'queued';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Delivers what is due, a batch at a time; returns how many were attempted. */
export async function deliverDue(db: Db, transports: Transports, logger: Logger, limit = 20): Promise<number> {
  const batch = await store.claimMessages(db, { limit, leaseSeconds: LEASE_SECONDS });
  for (const message of batch) await attempt(db, transports, logger, message);
  return batch.length;
}

/** The background loop in every process; each message is claimed by one of them at a time. */
export function startMailDelivery(db: Db, transports: Transports, logger: Logger, intervalMs = 2_000): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = async () => {
    try {
      while ((await deliverDue(db, transports, logger)) > 0);
    } catch (error) {
      logger.warn({ err: error }, 'mail delivery failed; retrying');
    } finally {
      running = undefined;
    }
  };
  const timer = setInterval(() => { running ??= tick(); }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
