import type { ModuleRoutes } from '../platform/services.ts';
import { outboxRoutes } from '../platform/mail/index.ts';
import { accountRoutes } from './routes.tsx';
import { settingsRoutes } from './settings-routes.tsx';

/** Everything identity serves: citizen accounts and (through it) the development outbox in the console. */
export const identityRoutes: ModuleRoutes = async (app, services) => {
  await app.register(accountRoutes, services);
  await app.register(settingsRoutes, services);
  await app.register(outboxRoutes, services);
};
