import type { ModuleRoutes } from '../platform/services.ts';
import { paymentApiRoutes } from './routes.tsx';
import { paymentPageRoutes } from './pages.tsx';
import { providerRoutes } from './provider/routes.tsx';
import { paymentConsoleRoutes } from './console-routes.tsx';
import { reconciliationLoop } from './reconciliation.ts';

/** The payments module: API, payer pages, console pages, the built-in provider's hosted pages, and reconciliation. */
export const paymentRoutes: ModuleRoutes = async (app, services) => {
  await app.register(paymentApiRoutes, services);
  await app.register(paymentPageRoutes, services);
  await app.register(paymentConsoleRoutes, services);
  await app.register(providerRoutes, services);
  await app.register(reconciliationLoop, services);
};

export { paymentDeps, type PaymentDeps } from './deps.ts';
export { createPayment, getPayment, findSettledPayments, Payment, type NewPayment } from './payment.ts';
export { findPaymentItem, formatHkd, listPaymentItems, PaymentItem } from './item.ts';
export { issueBill, getBill, openBillsOf, payBill, Bill, type BillInput } from './bill.ts';
export { onPaymentSettled, type SettledHandler } from './settled-handlers.ts';
export { onPaymentReturn, type ReturnPathFor } from './pages.tsx';
export { reconcilePayments, runReconciliation, type ReconciliationResult } from './reconciliation.ts';
export type { PaymentProvider, PaymentState } from './provider/port.ts';
export { seedPayments } from './sample.ts';
