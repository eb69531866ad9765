import { pino, type Logger } from 'pino';
import { buildApp } from './app.ts';
import { ConfigError, insecureDefaults, loadConfig, type Config } from './platform/config.ts';
import { migrate } from './platform/db/migrate.ts';
import { openDatabase } from './platform/db/open.ts';
import { DataDirInUseError } from './platform/db/embedded.ts';
import { startAuditChainer, verifyAuditChain } from './platform/audit/index.ts';
import { systemContext } from './platform/context.ts';
import { seedSampleData } from './sample.ts';
import { deleteAbandonedDrafts, generateServices } from './services/index.ts';
import { sendExpiryReminders } from './wallet/index.ts';
import { runReconciliation } from './payments/index.ts';
import { seedSyntheticDatasets } from './opendata/index.ts';
import { outboxMailer } from './platform/mail/index.ts';
import { fileStoreFor } from './platform/files/index.ts';
import { documentKeys, rekeyIdentityDocuments } from './identity/index.ts';

const USAGE = `Usage: smartgov <command>

Commands:
  start          migrate, add sample data on first start (development), and serve HTTP
  migrate        apply database migrations and exit
  seed           add the sample data if the database has none
                 --services N  then fill the service catalogue up to N synthetic services
                 --datasets N  then fill the open data catalogue up to N synthetic datasets
  audit verify   check the audit log's hash chain; exit code 1 names the first bad entry
  payments reconcile  ask the payment provider about unfinished payments and settle each once
                 --older-than-minutes N  only payments started at least N minutes ago (default 5)
  remind         email holders of wallet documents that expire within 30 days (start does this hourly)
  cleanup        delete application drafts not changed for DRAFT_RETENTION_DAYS days, with their files
                 (start does this hourly)
  identity rekey re-seal identity documents sealed before IDENTITY_KEY was set (with SESSION_SECRET) with IDENTITY_KEY

Configuration comes from environment variables: see README.md.`;

function makeLogger(config: Config): Logger {
  return pino({ level: config.LOG_LEVEL, redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password'], censor: '[redacted]' } });
}

async function start(config: Config, logger: Logger): Promise<void> {
  for (const warning of insecureDefaults(config)) (config.NODE_ENV === 'production' ? logger.error : logger.warn).call(logger, warning);
  const database = await openDatabase(config, logger);
  await migrate(database.db, logger);
  if (config.SEED_SAMPLE_DATA) await seedSampleData(database.db, logger, systemContext('smartgov start'));
  const app = await buildApp({ config, db: database.db, logger });
  const chainer = startAuditChainer(database.db, logger);
  const remind = () => sendExpiryReminders(database.db, (db) => outboxMailer(db, logger)).catch((error: unknown) => logger.warn({ err: error }, 'expiry reminders failed'));
  const reminders = setInterval(remind, 3_600_000);
  reminders.unref();
  void remind();
  // Abandoned drafts hold personal data: every process deletes those past DRAFT_RETENTION_DAYS at start and hourly
  // (two processes at once is safe: a row is deleted, and its files removed, by the one that deleted it).
  const cleanUp = () => deleteAbandonedDrafts(database.db, fileStoreFor(config), systemContext('smartgov start: draft retention'), config.DRAFT_RETENTION_DAYS)
    .then((deleted) => { if (deleted.drafts > 0) logger.info(deleted, 'abandoned application drafts deleted'); })
    .catch((error: unknown) => logger.warn({ err: error }, 'abandoned draft cleanup failed'));
  const cleanUps = setInterval(cleanUp, 3_600_000);
  cleanUps.unref();
  void cleanUp();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    try {
      clearInterval(reminders);
      clearInterval(cleanUps);
      await app.close();
      await chainer.stop();
      await database.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  let address: string;
  try {
    address = await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await database.close();
    throw error;
  }
  logger.info({ address, baseUrl: config.BASE_URL, embeddedDatabase: config.embeddedDatabase }, `smartgov is running at ${address}`);
}

async function withDatabase(config: Config, logger: Logger, work: (db: import('./platform/db/database.ts').Db) => Promise<number>): Promise<number> {
  const database = await openDatabase(config, logger);
  try {
    await migrate(database.db, logger);
    return await work(database.db);
  } finally {
    await database.close();
  }
}

function wholeNumberFlag(argv: string[], flag: string): number | undefined {
  const at = argv.indexOf(flag);
  if (at < 0) return undefined;
  const count = Number(argv[at + 1]);
  if (!Number.isInteger(count) || count < 0 || count > 1_000_000) throw new ConfigError(`${flag} needs a whole number from 0 to 1000000`);
  return count;
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const logger = makeLogger(config);
  switch (command) {
    case 'start':
      await start(config, logger);
      return -1; // keeps running
    case 'migrate':
      return withDatabase(config, logger, async () => 0);
    case 'seed': {
      const services = wholeNumberFlag(argv, '--services');
      const datasets = wholeNumberFlag(argv, '--datasets');
      return withDatabase(config, logger, async (db) => {
        const ctx = systemContext('smartgov seed');
        await seedSampleData(db, logger, ctx);
        if (services !== undefined) console.log(`Added ${await generateServices(db, ctx, services)} synthetic services.`);
        if (datasets !== undefined) console.log(`Added ${await seedSyntheticDatasets(db, ctx, datasets)} synthetic datasets.`);
        return 0;
      });
    }
    case 'payments': {
      if (sub !== 'reconcile') break;
      const olderThanMinutes = wholeNumberFlag(argv, '--older-than-minutes');
      return withDatabase(config, logger, async (db) => {
        // Building the app (without listening) is how modules register what a settled payment moves on, e.g. the
        // services module submitting an application when its fee is paid; without them a fee would settle alone.
        const app = await buildApp({ config, db, logger });
        try {
          return await runReconciliation({ config, db, logger }, { olderThanMinutes });
        } finally {
          await app.close();
        }
      });
    }
    case 'remind':
      return withDatabase(config, logger, async (db) => {
        console.log(`Sent ${await sendExpiryReminders(db, (trx) => outboxMailer(trx, logger))} expiry reminders.`);
        return 0;
      });
    case 'cleanup':
      return withDatabase(config, logger, async (db) => {
        const deleted = await deleteAbandonedDrafts(db, fileStoreFor(config), systemContext('smartgov cleanup'), config.DRAFT_RETENTION_DAYS);
        console.log(`Deleted ${deleted.drafts} application drafts not changed for ${config.DRAFT_RETENTION_DAYS} days, and their ${deleted.files} files.`);
        return 0;
      });
    case 'identity':
      if (sub !== 'rekey') break;
      return withDatabase(config, logger, async (db) => {
        const result = await rekeyIdentityDocuments(db, documentKeys(config), systemContext('smartgov identity rekey'));
        console.log(`Re-sealed ${result.resealed} identity documents with IDENTITY_KEY; ${result.current} already were.`);
        if (result.unreadable.length) console.error(`No key opens the document of citizens ${result.unreadable.join(', ')}: left as they are.`);
        if (result.shared.length) console.error(`Another account already holds the document of citizens ${result.shared.join(', ')}: left as they are for an officer to decide.`);
        return result.unreadable.length || result.shared.length ? 1 : 0;
      });
    case 'audit':
      if (sub !== 'verify') break;
      return withDatabase(config, logger, async (db) => {
        const result = await verifyAuditChain(db);
        if (result.ok) {
          console.log(`Audit log verified: ${result.checked} entries, chain intact.`);
          return 0;
        }
        console.error(`Audit log FAILED verification at entry ${result.firstBad!.seq} (${result.firstBad!.problem}): ${result.firstBad!.message}`);
        return 1;
      });
  }
  console.error(`Unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof DataDirInUseError;
    console.error(known ? `smartgov: ${(error as Error).message}` : error);
    process.exit(known ? 2 : 1);
  },
);
