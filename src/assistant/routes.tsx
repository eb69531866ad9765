import type { ModuleRoutes } from '../platform/services.ts';
import { requireCitizen } from '../platform/access.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { attentionItems } from './attention.ts';
import { AssistantPage } from './views/assistant.tsx';

export const assistantRoutes: ModuleRoutes = async (app, { db, config }) => {
  app.get('/assistant', { schema: { hide: true } }, async (request, reply) => {
    requireCitizen(request.actor);
    const items = await attentionItems(db, requestContext(request));
    return sendPage(reply, <AssistantPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} items={items} />);
  });
};
