import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ModuleRoutes, Services } from '../platform/services.ts';
import { mailService, outboxRoutes, type MailService } from '../platform/mail/index.ts';
import { accountRoutes } from './routes.tsx';
import { settingsRoutes } from './settings-routes.tsx';
import { openIdRoutes } from './oidc/routes.tsx';
import { helpDeskRoutes } from './desk-routes.tsx';
import { passkeyRoutes } from './passkey-routes.tsx';
import { developerRoutes } from './developer-routes.tsx';

/** Routes that send codes: they queue through the mail ports and try delivery at once. */
export type IdentityRoutes = FastifyPluginAsyncTypebox<Services & { mail: MailService }>;

/**
 * Everything identity serves: citizen accounts, the OpenID Provider, and the outbox in the console. The mail and
 * SMS transports are built here, once, from configuration; the delivery loop here sends what every module queues.
 */
export const identityRoutes: ModuleRoutes = async (app, services) => {
  const mail = mailService(services);
  const delivery = mail.startDelivery();
  app.addHook('onClose', async () => delivery.stop());
  await app.register(accountRoutes, { ...services, mail });
  await app.register(settingsRoutes, { ...services, mail });
  await app.register(openIdRoutes, services);
  await app.register(passkeyRoutes, services);
  await app.register(helpDeskRoutes, services);
  await app.register(developerRoutes, services);
  await app.register(outboxRoutes, services);
};
