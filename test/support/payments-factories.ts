import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import type { App } from '../../src/app.ts';
import type { Config } from '../../src/platform/config.ts';
import type { Db } from '../../src/platform/db/database.ts';
import * as store from '../../src/payments/store.ts';
import * as providerStore from '../../src/payments/provider/store.ts';
import { WEBHOOK_PATH } from '../../src/payments/provider/builtin.ts';
import { SIGNATURE_HEADER, signWebhook, webhookSecret } from '../../src/payments/provider/signature.ts';
import { buildOrganisation, buildStaff } from './factories.ts';
import { Client, signInStaff, type TestApp } from './app.ts';
import { uniqueSlug } from './services-factories.ts';

// Payment tests run their app with this BASE_URL: nothing listens on port 9, so the built-in provider's own
// webhook deliveries fail and each test delivers the recorded events itself, in the order it wants.
export const UNREACHABLE_BASE_URL = 'http://127.0.0.1:9';

export async function buildPaymentItem(db: Db, overrides: Partial<{ organisationId: string; amountCents: number; nameEn: string }> = {}) {
  const organisationId = overrides.organisationId ?? (await buildOrganisation(db)).id;
  return store.insertItem(db, {
    organisation_id: organisationId, name_en: overrides.nameEn ?? 'Test licence fee', name_zh_hk: '測試牌照費', name_zh_cn: '测试牌照费',
    amount_cents: overrides.amountCents ?? 32_000, revenue_code: 'TEST-01',
  });
}

export const newKey = () => `key-${randomUUID()}`;

export async function paymentRow(db: Db, id: string) {
  const row = await store.paymentById(db, id);
  if (!row) throw new Error(`no payment ${id}`);
  return row;
}

/** The webhook bodies the provider recorded for a payment, oldest first (as JSON text, ready to send). */
export async function recordedWebhooks(db: Db, providerPaymentId: string): Promise<string[]> {
  return (await providerStore.webhookEvents(db, providerPaymentId)).map((e) => JSON.stringify(e.body));
}

/** Sends a webhook body to our endpoint, signed like the provider signs it unless told otherwise. */
export function deliverWebhook(app: App, config: Config, body: string, options: { timestamp?: number; signature?: string } = {}) {
  const signature = options.signature ?? signWebhook(webhookSecret(config.SESSION_SECRET), body, options.timestamp);
  return app.inject({ method: 'POST', url: WEBHOOK_PATH, payload: body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature } });
}

export async function auditCount(db: Db, action: string, recordId: string): Promise<number> {
  const rows = await db.selectFrom('audit_log').select('seq').where('action', '=', action).where('record_id', '=', recordId).execute();
  return rows.length;
}

/** An open bill for an item (and its organisation, if not given), due in a week. */
export async function buildBill(db: Db, overrides: Partial<{ organisationId: string; amountCents: number; reference: string }> = {}) {
  const item = await buildPaymentItem(db, overrides);
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  return store.insertBill(db, { organisation_id: item.organisation_id, item_id: item.id, citizen_id: null, reference: overrides.reference ?? `BILL-${randomUUID().slice(0, 8)}`, amount_cents: item.amount_cents, due_date: due });
}

export const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/** A department with a HK$500 item and a signed-in staff member with the given roles. */
export async function buildDepartment(t: TestApp, roles: ('officer' | 'approver' | 'organisation_admin')[] = ['officer', 'approver']) {
  const organisation = await buildOrganisation(t.db);
  const item = await buildPaymentItem(t.db, { organisationId: organisation.id, amountCents: 50_000 });
  const staff = await buildStaff(t.db, { organisationId: organisation.id, roles });
  return { organisation, item, client: await signInStaff(t.app, staff.email, staff.password) };
}

/** A JSON POST, with an Idempotency-Key when given. */
export function postJson(client: Client, url: string, body: unknown, key?: string) {
  return client.request({ method: 'POST', url, payload: JSON.stringify(body), headers: { accept: 'application/json', 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) } });
}

/** The payer's journey through our page and the provider's hosted page, as a browser without JavaScript makes it. */
export async function payOnHostedPage(t: TestApp, paymentId: string, cardNumber = '4242424242424242', action: 'pay' | 'cancel' = 'pay') {
  const payer = new Client(t.app);
  const toProvider = await payer.get(`/payments/${paymentId}/pay`);
  assert.equal(toProvider.statusCode, 303);
  const hosted = new URL(toProvider.headers.location as string).pathname;
  assert.match(hosted, /^\/pay\/provider\/payments\//);
  const page = await payer.get(hosted);
  assert.match(page.body, /<button type="submit"[^>]*>Pay<\/button>/);
  assert.match(page.body, /<button type="submit"[^>]*>Cancel<\/button>/);
  const done = await payer.submit(hosted, `${hosted}/${action}`, action === 'pay' ? { cardNumber } : {});
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, `${t.config.BASE_URL}/payments/${paymentId}/return`);
  return { payer, hosted };
}

/** A published service with a fee and a one-step form (a declaration), set up through the API by its department's admin. */
export async function buildFeeService(t: TestApp, amountCents = 9_000) {
  const organisation = await buildOrganisation(t.db);
  const item = await buildPaymentItem(t.db, { organisationId: organisation.id, amountCents });
  const staff = await buildStaff(t.db, { organisationId: organisation.id, roles: ['organisation_admin'] });
  const admin = await signInStaff(t.app, staff.email, staff.password);
  const created = await admin.json('POST', '/api/v1/services', { slug: uniqueSlug('paid'), category: 'transport', nameEn: 'Paid licence', nameZhHk: '收費執照', summaryEn: '', summaryZhHk: '', feeItemId: item.id });
  assert.equal(created.statusCode, 201, created.body);
  const service = created.json() as { id: string; slug: string };
  await admin.submit(`/console/services/${service.id}`, `/console/services/${service.id}/publish`, { version: '1' });
  const declaration = { steps: [{ id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration', label: { en: 'Declaration', 'zh-HK': '聲明' }, required: true }] }] };
  await admin.submit(`/console/services/${service.id}/form`, `/console/services/${service.id}/form`, { definition: JSON.stringify(declaration) });
  const formId = /form\/([0-9a-f-]{36})\/publish/.exec((await admin.get(`/console/services/${service.id}/form`)).body)![1]!;
  assert.equal((await admin.submit(`/console/services/${service.id}/form`, `/console/services/${service.id}/form/${formId}/publish`, {})).statusCode, 303);
  return { organisation, item, slug: service.slug };
}
