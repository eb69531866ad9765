import { Type, type Static } from 'typebox';
import type { Db, Queryable } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireRole } from '../platform/access.ts';
import { recordAudit, type AuditEntry } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound } from '../platform/errors.ts';
import { createPayment, type Payment } from './payment.ts';
import { BILL_PURPOSE } from './settled-handlers.ts';
import type { PaymentDeps } from './deps.ts';
import * as store from './store.ts';

export const BillInput = Type.Object({
  itemId: Type.String({ format: 'uuid' }),
  citizenId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "The citizen's identity id, so the bill shows on their Personal Assistant page" })),
  reference: Type.String({ minLength: 1, maxLength: 200, description: "The department's own reference, e.g. a licence number" }),
  dueDate: Type.String({ format: 'date' }),
}, { additionalProperties: false });
export type BillInput = Static<typeof BillInput>;

export const Bill = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organisationId: Type.String({ format: 'uuid' }),
  itemId: Type.String({ format: 'uuid' }),
  citizenId: Type.Union([Type.String(), Type.Null()]),
  reference: Type.String(),
  amountCents: Type.Integer(),
  dueDate: Type.String({ format: 'date' }),
  paid: Type.Boolean(),
  payUrl: Type.String({ description: 'The link to give the payer' }),
});
export type Bill = Static<typeof Bill>;

// pg reads a `date` as local midnight; its local parts are the calendar date.
const isoDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

const presentBill = (row: store.BillRow): Bill => ({
  id: row.id, organisationId: row.organisation_id, itemId: row.item_id, citizenId: row.citizen_id, reference: row.reference, amountCents: row.amount_cents,
  dueDate: isoDate(row.due_date), paid: row.paid_payment_id !== null, payUrl: `/bills/${row.id}`,
});

/** A department bills a person (or whoever holds the link) for one of its own payment items. */
export async function issueBill(db: Db, ctx: RequestContext, input: BillInput): Promise<Bill> {
  const staff = requireRole(ctx.actor, 'officer', 'approver', 'organisation_admin');
  if (input.dueDate < new Date().toISOString().slice(0, 10)) throw invalidInput([{ field: 'body.dueDate', reason: 'must not be in the past' }]);
  return db.transaction().execute(async (trx) => {
    const item = await store.itemById(trx, input.itemId);
    assertOrganisationRecord(staff, item?.organisation_id ?? null, 'The payment item');
    const row = await store.insertBill(trx, {
      organisation_id: item!.organisation_id, item_id: item!.id, citizen_id: input.citizenId ?? null, reference: input.reference.trim(), amount_cents: item!.amount_cents, due_date: input.dueDate,
    });
    await recordAudit(trx, ctx, { action: 'bill.issued', recordType: 'payment_bill', recordId: row.id, organisationId: row.organisation_id, detail: { amountCents: row.amount_cents, dueDate: row.due_date } });
    return presentBill(row);
  });
}

/** Anyone holding the bill's link may see and pay it. */
export async function getBill(db: Queryable, id: string): Promise<Bill> {
  const row = await store.billById(db, id);
  if (!row) throw notFound('The bill');
  return presentBill(row);
}

export async function openBillsOf(db: Queryable, citizenId: string): Promise<Bill[]> {
  return (await store.openBillsOfCitizen(db, citizenId)).map(presentBill);
}

/** Paying a bill: one payment per idempotency key, with the bill as its scope so any payer may retry. */
export async function payBill(deps: PaymentDeps, ctx: RequestContext, billId: string, idempotencyKey: string): Promise<{ payment: Payment; created: boolean }> {
  const bill = await store.billById(deps.db, billId);
  if (!bill) throw notFound('The bill');
  if (bill.paid_payment_id) throw conflict('This bill is already paid.');
  return createPayment(deps, ctx, { itemId: bill.item_id, purpose: BILL_PURPOSE, reference: bill.id, idempotencyKey, idempotencyScope: `bill:${bill.id}` });
}

/** What the audit log says when a payment marks its bill paid (written with the payment's own entry, see settlement). */
export const billPaidEntry = (payment: Payment): AuditEntry => ({
  action: 'bill.paid', recordType: 'payment_bill', recordId: payment.reference, organisationId: payment.organisationId, detail: { paymentId: payment.id },
});
