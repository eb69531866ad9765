import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/platform/db/database.ts';
import { systemContext } from '../../src/platform/context.ts';
import { createDataset, type DatasetInput } from '../../src/opendata/dataset.ts';
import { seedOpenData } from '../../src/opendata/index.ts';
import { seedOrganisations } from '../../src/organisations/index.ts';
import { localFileStore } from '../../src/platform/files/index.ts';
import { buildOrganisation } from './factories.ts';
import type { TestApp } from './app.ts';

// Open data factories: a dataset (with its organisation if none is given), written through the domain function
// as a platform admin would, so search text and audit are exactly as in production.

const admin = (organisationId: string) => ({
  ...systemContext('test'),
  actor: { kind: 'staff' as const, id: randomUUID(), label: 'Test admin', organisationId, roles: ['platform_admin' as const], sessionId: 'test' },
});

export function datasetInput(overrides: Partial<DatasetInput> = {}): DatasetInput {
  const suffix = randomUUID().slice(0, 8);
  return {
    name: `test-dataset-${suffix}`, titleEn: `Test dataset ${suffix}`, titleZhHk: `測試資料集 ${suffix}`, notesEn: 'For tests.', notesZhHk: '供測試。',
    category: 'transport', tags: ['test'], licence: 'hk-dgov-terms', contactEmail: '', updateFrequency: 'daily', dataDictionaryUrl: '', spatial: false,
    ...overrides,
  };
}

export async function buildDataset(db: Db, overrides: Partial<DatasetInput> & { organisationId?: string } = {}) {
  const { organisationId: given, ...input } = overrides;
  const organisationId = given ?? (await buildOrganisation(db)).id;
  return createDataset(db, admin(organisationId), organisationId, datasetInput(input));
}

/** The sample organisations and open data (datasets, files, archived versions) in a test app's empty database. */
export async function withSampleOpenData(t: TestApp): Promise<void> {
  // The sample organisations are only added to an empty database: they go first.
  await seedOrganisations(t.db, systemContext('test'));
  await seedOpenData(t.db, systemContext('test'), localFileStore(t.config.DATA_DIR));
}
