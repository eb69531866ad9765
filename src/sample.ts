import type { Logger } from 'pino';
import type { Db } from './platform/db/database.ts';
import type { RequestContext } from './platform/context.ts';
import { sampleEmail, SAMPLE_PASSWORD, seedOrganisations } from './organisations/index.ts';
import { seedServices } from './services/index.ts';
import { seedOpenData } from './opendata/index.ts';
import { seedPayments } from './payments/index.ts';
import { seedIdentity } from './identity/index.ts';

/** Sample data for demonstrations and development, labelled as such wherever it shows. Each module seeds its own. */
export async function seedSampleData(db: Db, logger: Logger, ctx: RequestContext): Promise<void> {
  if (await seedOrganisations(db, ctx)) {
    logger.info(`sample data added. Staff sign-in at /console/sign-in: ${sampleEmail('DPO', 'admin')} (platform admin) or ${sampleEmail('TD', 'officer')}, password "${SAMPLE_PASSWORD}"`);
  }
  await seedIdentity(db, ctx, logger);
  await seedServices(db, ctx);
  await seedOpenData(db, ctx);
  const billId = await seedPayments(db, ctx);
  if (billId) logger.info(`sample payments added: pay a sample bill at /bills/${billId}`);
}
