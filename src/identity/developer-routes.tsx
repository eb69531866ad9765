import { Type } from 'typebox';
import { FormText } from './schemas.ts';
import type { ModuleRoutes } from '../platform/services.ts';
import { requireRole } from '../platform/access.ts';
import { DomainError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { approveClient, listDeveloperClients, pendingClientRequests, requestClient, type ClientForm } from './developer.ts';
import { OIDC_PREFIX } from './oidc/provider.ts';
import { ApprovalsPage, ClientCreatedPage, DeveloperPage } from './views/developer.tsx';

const Text = (max: number) => Type.Optional(FormText(max));

/** The developer portal in the console: organisations register their services; platform admins approve production. */
export const developerRoutes: ModuleRoutes = async (app, { db, config }) => {
  const issuer = `${config.BASE_URL}${OIDC_PREFIX}`;

  app.get('/console/developer', { schema: { hide: true, querystring: Type.Object({ requested: Text(2) }) } }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin', 'platform_admin');
    const { clients, requests } = await listDeveloperClients(db, requestContext(request));
    return sendPage(reply, <DeveloperPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} issuer={issuer} clients={clients} requests={requests} requested={request.query.requested === '1'} errors={[]} />);
  });

  app.post('/console/developer/clients', {
    schema: { hide: true, body: Type.Object({ name: Text(300), purpose: Text(600), redirectUris: Text(4000), environment: Type.Optional(Type.Union([Type.Literal('sandbox'), Type.Literal('production')])), jwks: Text(20000), _csrf: Text(200) }) },
  }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin', 'platform_admin');
    const b = request.body;
    const form: ClientForm = { name: b.name ?? '', purpose: b.purpose ?? '', redirectUris: b.redirectUris ?? '', environment: b.environment ?? 'sandbox', jwks: b.jwks ?? '' };
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    try {
      const result = await requestClient(db, requestContext(request), form);
      if (result.requestId) return reply.redirect('/console/developer?requested=1', 303);
      // Shown once in the answer itself: the secret is not kept in a form anyone can read back.
      return sendPage(reply, <ClientCreatedPage ctx={ctx} clientId={result.clientId!} clientSecret={result.clientSecret} />, 201);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'invalid_input') throw error;
      const { clients, requests } = await listDeveloperClients(db, requestContext(request));
      return sendPage(reply, <DeveloperPage ctx={ctx} issuer={issuer} clients={clients} requests={requests} form={form} errors={error.extra.fields ?? []} />, 400);
    }
  });

  app.get('/console/developer/requests', { schema: { hide: true, querystring: Type.Object({ approved: Text(2) }) } }, async (request, reply) => {
    requireRole(request.actor, 'platform_admin');
    return sendPage(reply, <ApprovalsPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} requests={await pendingClientRequests(db, requestContext(request))} approved={request.query.approved === '1'} />);
  });

  app.post('/console/developer/requests/:id/approve', { schema: { hide: true, params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } }, async (request, reply) => {
    requireRole(request.actor, 'platform_admin');
    await approveClient(db, requestContext(request), request.params.id);
    return reply.redirect('/console/developer/requests?approved=1', 303);
  });
};
