import type { ModuleRoutes } from '../platform/services.ts';
import { pageContext, sendPage } from '../platform/http/pages.ts';
import { listOrganisations } from '../organisations/index.ts';
import { HomePage } from './views/home.tsx';

export const portalRoutes: ModuleRoutes = async (app, { db, config }) => {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    return sendPage(reply, <HomePage ctx={ctx} organisations={await listOrganisations(db)} />);
  });
};
