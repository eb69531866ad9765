import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

// Every key is documented in README.md ("Configuration"); a test keeps the two in step.
const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SESSION_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  STAFF_SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, default: 30 }),
  STAFF_SESSION_MAX_HOURS: Type.Integer({ minimum: 1, default: 12 }),
  SEED_SAMPLE_DATA: Type.Boolean({ default: true }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  MAIL_TRANSPORT: Type.Union([Type.Literal('outbox'), Type.Literal('smtp')], { default: 'outbox' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ minLength: 3, default: 'iAM Smart <no-reply@localhost>' }),
  SMS_TRANSPORT: Type.Union([Type.Literal('outbox'), Type.Literal('http')], { default: 'outbox' }),
  SMS_GATEWAY_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SMS_GATEWAY_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  CITIZEN_SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, default: 30 }),
  CITIZEN_SESSION_MAX_HOURS: Type.Integer({ minimum: 1, default: 12 }),
  IDENTITY_KEY: Type.Optional(Type.String({ minLength: 32 })),
  FILE_STORE: Type.Union([Type.Literal('local'), Type.Literal('s3')], { default: 'local' }),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3, maxLength: 63 })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false }),
  APPLICATION_FILE_MAX_MB: Type.Integer({ minimum: 1, maximum: 1024, default: 10 }),
  DRAFT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
  OPENDATA_CACHE: Type.Boolean({ default: true }),
  PAYMENT_WEBHOOK_RETRY_SECONDS: Type.Integer({ minimum: 0, maximum: 86400, default: 30 }),
});

type RawConfig = Static<typeof ConfigSchema>;

export interface Config extends Omit<RawConfig, 'DATA_DIR' | 'BASE_URL' | 'SESSION_SECRET' | 'IDENTITY_KEY'> {
  DATA_DIR: string;
  BASE_URL: string;
  SESSION_SECRET: string;
  IDENTITY_KEY: string;
  /** True when no DATABASE_URL is given: smartgov runs its own PostgreSQL server in DATA_DIR. */
  embeddedDatabase: boolean;
}

export const CONFIG_KEYS = Object.keys(ConfigSchema.properties);

const DEVELOPMENT_SECRET = 'development-only-secret-do-not-use-in-production!';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates configuration once, at start; a bad value stops the process with a message naming the key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) if (env[key] !== undefined && env[key] !== '') input[key] = env[key];
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, input));
  const errors = [...Value.Errors(ConfigSchema, converted)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `${e.instancePath.slice(1) || "(config)"}: ${e.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${[...new Set(lines)].join('\n  ')}`);
  }
  const raw = converted as RawConfig;
  const production = raw.NODE_ENV === 'production';
  if (production && !raw.SESSION_SECRET) throw new ConfigError('SESSION_SECRET must be set (at least 32 characters) when NODE_ENV=production');
  if (production && !raw.IDENTITY_KEY) throw new ConfigError('IDENTITY_KEY must be set (at least 32 characters) when NODE_ENV=production');
  if (raw.IDENTITY_KEY && raw.IDENTITY_KEY === raw.SESSION_SECRET) throw new ConfigError('IDENTITY_KEY must differ from SESSION_SECRET');
  if (raw.MAIL_TRANSPORT === 'smtp' && !raw.SMTP_URL) throw new ConfigError('SMTP_URL must be set when MAIL_TRANSPORT=smtp');
  if (raw.SMS_TRANSPORT === 'http' && (!raw.SMS_GATEWAY_URL || !raw.SMS_GATEWAY_TOKEN)) throw new ConfigError('SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN must be set when SMS_TRANSPORT=http');
  if (raw.FILE_STORE === 's3' && !raw.S3_BUCKET) throw new ConfigError('S3_BUCKET must be set when FILE_STORE=s3');
  if (production && !raw.BASE_URL) throw new ConfigError('BASE_URL must be set when NODE_ENV=production');
  if (production && raw.BASE_URL && !raw.BASE_URL.startsWith('https://')) throw new ConfigError('BASE_URL must use https when NODE_ENV=production');
  return {
    ...raw,
    DATA_DIR: path.resolve(raw.DATA_DIR),
    BASE_URL: (raw.BASE_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, ''),
    SESSION_SECRET: raw.SESSION_SECRET ?? DEVELOPMENT_SECRET,
    // Unset only outside production: development data sealed before the key existed (under SESSION_SECRET) stays readable.
    IDENTITY_KEY: raw.IDENTITY_KEY ?? raw.SESSION_SECRET ?? DEVELOPMENT_SECRET,
    SEED_SAMPLE_DATA: production ? false : raw.SEED_SAMPLE_DATA,
    embeddedDatabase: !raw.DATABASE_URL,
  };
}

/** Development defaults that must never reach production; logged as warnings at start. */
export function insecureDefaults(config: Config): string[] {
  const warnings: string[] = [];
  if (config.SESSION_SECRET === DEVELOPMENT_SECRET) warnings.push('SESSION_SECRET is the development default');
  if (config.IDENTITY_KEY === config.SESSION_SECRET) warnings.push('IDENTITY_KEY is not set: identity document numbers are sealed with a key derived from SESSION_SECRET');
  if (config.MAIL_TRANSPORT === 'outbox') warnings.push('MAIL_TRANSPORT is outbox: emails stay in the development outbox and are never delivered');
  if (config.SMS_TRANSPORT === 'outbox') warnings.push('SMS_TRANSPORT is outbox: text messages stay in the development outbox and are never delivered');
  if (!config.BASE_URL.startsWith('https://')) warnings.push('BASE_URL is not https: cookies are not marked Secure');
  return warnings;
}
