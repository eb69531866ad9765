import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { paymentDeps } from '../payments/index.ts';
import type { RequestContext } from '../platform/context.ts';
import { DomainError } from '../platform/errors.ts';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { testLogger } from '../../test/support/database.ts';
import { buildServiceWithForm } from '../../test/support/services-factories.ts';
import { startApplication, submitApplication } from './application.ts';
import type { FormDefinition } from './form-definition.ts';

// Submitting moves the draft on first and checks its answers after, in one transaction: a refusal must leave nothing.
const FORM: FormDefinition = { steps: [{ id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration', label: { en: 'I declare', 'zh-HK': '聲明' }, required: true }] }] };
const citizen = (): RequestContext => ({ actor: { kind: 'citizen', id: `citizen-${randomUUID()}`, label: 'Citizen', organisationId: null }, requestId: 'test', locale: 'en' });

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

test('an incomplete draft is refused and left exactly as it was; a complete one is submitted once, with one event and one audit entry', async () => {
  const { service } = await buildServiceWithForm(t.db, FORM);
  const ctx = citizen();
  const { id } = await startApplication(t.db, ctx, service.slug);
  const submit = (as: RequestContext) => submitApplication(t.db, paymentDeps({ db: t.db, config: t.config, logger: testLogger }), async () => undefined, as, id);
  const trail = async () => ({
    application: await t.db.selectFrom('applications').select(['status', 'version', 'submitted_at']).where('id', '=', id).executeTakeFirstOrThrow(),
    events: (await t.db.selectFrom('application_events').select(['kind', 'actor_label']).where('application_id', '=', id).execute()),
    audit: (await t.db.selectFrom('audit_log').select('action').where('record_id', '=', id).orderBy('id').execute()).map((a) => a.action),
  });

  const before = await trail();
  await assert.rejects(submit(ctx), (error: DomainError) => error.code === 'invalid_input' && error.extra.fields?.[0]?.field === 'declaration');
  assert.deepEqual(await trail(), before, 'nothing changed');
  await assert.rejects(submit(citizen()), (error: DomainError) => error.code === 'not_found', "another citizen's draft");

  await t.db.updateTable('applications').set({ answers: JSON.stringify({ declare: 'yes' }) as never }).where('id', '=', id).execute();
  const first = await submit(ctx);
  assert.equal(first.application.status, 'submitted');
  assert.equal(first.payUrl, undefined);
  const again = await submit(ctx);
  assert.equal(again.application.id, id);
  const after = await trail();
  assert.equal(after.application.status, 'submitted');
  assert.ok(after.application.submitted_at);
  assert.deepEqual(after.events, [{ kind: 'submitted', actor_label: 'Citizen' }]);
  assert.deepEqual(after.audit, ['application.started', 'application.submitted']);
});
