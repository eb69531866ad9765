import type { ModuleRoutes } from '../platform/services.ts';
import { outboxRoutes } from '../platform/mail/index.ts';
import { accountRoutes } from './routes.tsx';
import { settingsRoutes } from './settings-routes.tsx';
import { openIdRoutes } from './oidc/routes.tsx';
import { helpDeskRoutes } from './desk-routes.tsx';
import { passkeyRoutes } from './passkey-routes.tsx';
import { developerRoutes } from './developer-routes.tsx';

/** Everything identity serves: citizen accounts, the OpenID Provider, and the development outbox in the console. */
export const identityRoutes: ModuleRoutes = async (app, services) => {
  await app.register(accountRoutes, services);
  await app.register(settingsRoutes, services);
  await app.register(openIdRoutes, services);
  await app.register(passkeyRoutes, services);
  await app.register(helpDeskRoutes, services);
  await app.register(developerRoutes, services);
  await app.register(outboxRoutes, services);
};
