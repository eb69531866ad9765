import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';

/** Everything a module may use; built once in main.ts (or by a test) and passed to every module plugin. */
export interface Services {
  config: Config;
  db: Db;
  logger: Logger;
}

/** A module's routes: an encapsulated Fastify plugin with TypeBox-typed requests. */
export type ModuleRoutes = FastifyPluginAsyncTypebox<Services>;
