import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { systemContext } from '../platform/context.ts';
import { seedOrganisations } from '../organisations/index.ts';
import { generateServices, seedServices } from './index.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('sample and synthetic services say who can apply and what to bring, in three languages', async () => {
  const ctx = systemContext('test');
  await seedOrganisations(t.db, ctx);
  assert.equal(await seedServices(t.db, ctx), 10);
  assert.equal(await generateServices(t.db, ctx, 40), 30);
  const services = await t.db.selectFrom('services').select(['slug', 'eligibility_en', 'eligibility_zh_hk', 'eligibility_zh_cn', 'required_documents']).execute();
  assert.equal(services.length, 40);
  for (const s of services) {
    assert.ok(s.eligibility_en && s.eligibility_zh_hk && s.eligibility_zh_cn, `${s.slug}: eligibility`);
    assert.ok(s.required_documents.length > 0, `${s.slug}: documents`);
    for (const d of s.required_documents) assert.ok(d.label.en && d.label['zh-HK'] && d.label['zh-CN'] && (d.note === null || d.note['zh-CN']), `${s.slug}: ${d.label.en}`);
  }
  const licence = services.find((s) => s.slug === 'renew-driving-licence')!;
  assert.match(licence.eligibility_zh_cn, /正式驾驶执照/);
  assert.ok(licence.required_documents.some((d) => !d.mandatory), 'some documents only some applicants need');
  const page = await t.app.inject({ url: '/services/renew-driving-licence', headers: { accept: 'text/html' } });
  assert.match(page.body, /Who can apply/);
  assert.match(page.body, /Medical examination report \(form TD256\) \(only if it applies to you\)/);
});
