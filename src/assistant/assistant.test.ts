import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { buildOrganisation } from '../../test/support/factories.ts';
import { buildCitizen, signInCitizen } from '../../test/support/identity-factories.ts';
import { buildBill } from '../../test/support/payments-factories.ts';
import { systemContext } from '../platform/context.ts';
import { issueDocument } from '../wallet/index.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test("the Personal Assistant gathers a citizen's bills, expiring licences and new documents, and nobody else's", async () => {
  const citizen = await buildCitizen(t.db);
  const other = await buildCitizen(t.db);
  const organisation = await buildOrganisation(t.db);
  const bill = await buildBill(t.db, { organisationId: organisation.id, reference: 'WATER-0042', amountCents: 12_345 });
  await t.db.updateTable('payment_bills').set({ citizen_id: citizen.id }).where('id', '=', bill.id).execute();
  const soon = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  await t.db.transaction().execute((trx) => issueDocument(trx, systemContext('test'), t.config.SESSION_SECRET, {
    citizenId: citizen.id, organisationId: organisation.id, kind: 'licence', title: { en: 'Hawker licence', 'zh-HK': '小販牌照' }, holderName: 'CHAN', claims: {}, validUntil: soon,
  }));

  const client = await signInCitizen(t.app, citizen);
  const page = await client.get('/assistant');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /WATER-0042: HK\$123\.45, due/);
  assert.match(page.body, new RegExp(`Hawker licence expires on ${soon}`));
  assert.match(page.body, /New documents in your wallet/);

  const chinese = await client.get('/assistant?lang=zh-HK');
  assert.match(chinese.body, /個人助理/);

  const otherPage = await (await signInCitizen(t.app, other)).get('/assistant');
  assert.doesNotMatch(otherPage.body, /WATER-0042|Hawker licence/);
  assert.match(otherPage.body, /Nothing needs your attention/);

  const visitor = await t.app.inject({ url: '/assistant', headers: { accept: 'text/html' } });
  assert.equal(visitor.statusCode, 303);
});
