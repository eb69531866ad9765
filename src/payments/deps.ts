import type { Db } from '../platform/db/database.ts';
import type { Services } from '../platform/services.ts';
import { systemActor } from '../platform/context.ts';
import { builtinPaymentProvider, type BuiltinProvider } from './provider/builtin.ts';
import type { PaymentProvider } from './provider/port.ts';
import { webhookSecret } from './provider/signature.ts';

/** What the payments domain needs from outside: the database, the provider port, and our public address. */
export interface PaymentDeps { db: Db; provider: PaymentProvider; baseUrl: string }

// One provider per database handle: it holds no state of its own beyond its options.
const providers = new WeakMap<Db, BuiltinProvider>();

export function builtinProviderFor(services: Services): BuiltinProvider {
  let provider = providers.get(services.db);
  if (!provider) {
    provider = builtinPaymentProvider({ db: services.db, baseUrl: services.config.BASE_URL, secret: webhookSecret(services.config.SESSION_SECRET), logger: services.logger });
    providers.set(services.db, provider);
  }
  return provider;
}

export const paymentDeps = (services: Services): PaymentDeps => ({ db: services.db, provider: builtinProviderFor(services), baseUrl: services.config.BASE_URL });

/** Whoever follows a payment or bill link without signing in: recorded as such in the audit log. */
export const linkHolder = systemActor('payer with the payment link');
