import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/platform/db/database.ts';
import { systemContext } from '../../src/platform/context.ts';
import { buildOrganisation } from './factories.ts';
import { generateServices } from '../../src/services/index.ts';

export const uniqueSlug = (prefix = 'test-service') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Makes sure the catalogue has at least `count` published services (with an organisation to own them). */
export async function buildCatalogue(db: Db, count: number): Promise<void> {
  await buildOrganisation(db);
  await generateServices(db, systemContext('test'), count);
}
