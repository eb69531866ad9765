import { sql } from 'kysely';
import { paymentDeps } from '../src/payments/index.ts';
import type { RequestContext } from '../src/platform/context.ts';
import { listOrganisations } from '../src/organisations/index.ts';
import { submitApplication } from '../src/services/application.ts';
import * as store from '../src/services/store.ts';
import { throughput, type Benchmark } from './harness.ts';

// Application submissions (each: load and check the application, move it on, write its event and its audit entry),
// 10 at a time, beside the baseline of a bare INSERT transaction in the same run.
const FORM = { steps: [{ id: 'declaration', title: { en: 'Declaration', 'zh-HK': '聲明' }, questions: [{ id: 'declare', type: 'declaration', label: { en: 'I declare', 'zh-HK': '聲明' }, required: true }] }] };

const applications: Benchmark = async ({ db, config, seconds, app }) => {
  const organisation = (await listOrganisations(db)).find((o) => o.kind === 'department')!;
  const service = await store.insertService(db, {
    organisation_id: organisation.id, slug: 'bench-submissions', category: 'business', status: 'published', name_en: 'Bench', name_zh_hk: '測試', name_zh_cn: '测试',
    summary_en: '', summary_zh_hk: '', summary_zh_cn: '', pledge_working_days: null, fee_item_id: null, contact_email: null, published_at: new Date(),
  });
  const form = await store.insertForm(db, service.id, FORM);
  await store.makeFormLive(db, form);
  const drafts = 200_000;
  await sql`INSERT INTO applications (reference, service_id, form_id, organisation_id, citizen_id, answers)
    SELECT 'BENCH-' || n, ${service.id}, ${form.id}, ${organisation.id}, 'bench-citizen-' || n, '{"declare":"yes"}'::jsonb FROM generate_series(1, ${drafts}) AS n`.execute(db);
  const ids = (await db.selectFrom('applications').select(['id', 'citizen_id']).where('service_id', '=', service.id).execute());
  const payments = paymentDeps({ db, config, logger: app.log as never });
  const context = (citizenId: string): RequestContext => ({ actor: { kind: 'citizen', id: citizenId, label: 'bench', organisationId: null }, requestId: 'bench', locale: 'en' });

  await sql`CREATE TABLE IF NOT EXISTS bench_baseline (id bigserial PRIMARY KEY, detail jsonb NOT NULL)`.execute(db);
  const baseline = await throughput((i) => db.transaction().execute((trx) => sql`INSERT INTO bench_baseline (detail) VALUES (${JSON.stringify({ i })})`.execute(trx)), seconds);
  await sql`DROP TABLE bench_baseline`.execute(db);
  let next = 0;
  const rate = await throughput(async () => {
    const target = ids[next++ % ids.length]!;
    await submitApplication(db, payments, async () => undefined, context(target.citizen_id), target.id);
  }, seconds);
  return [
    { group: 'application submissions', name: 'baseline: INSERT in a transaction (10 concurrent)', rate: baseline, unit: 'tx/s', ratio: 1 },
    { group: 'application submissions', name: 'submit an application with its event and audit entry (10 concurrent; target ≥ 1,000/s)', rate, unit: 'submissions/s', ratio: rate / baseline },
  ];
};
export default applications;
