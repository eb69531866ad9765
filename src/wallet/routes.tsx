import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleRoutes } from '../platform/services.ts';
import { requireCitizen, requireRole } from '../platform/access.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { getOrganisationById } from '../organisations/index.ts';
import { documentPdf } from './pdf.ts';
import { publicKeys } from './signing.ts';
import { ownDocument, ownDocuments, revokeIssuedDocument, shareDocument, Verification, verifyDocument, verifyShared } from './document.ts';
import { DocumentPage, VerifyPage, WalletPage } from './views/wallet.tsx';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['wallet'];

export const walletRoutes: ModuleRoutes = async (app, { db, config }) => {
  const page = (request: FastifyRequest, reply: FastifyReply) => pageContext(request, reply, config.SEED_SAMPLE_DATA);
  const issuerName = async (id: string, locale: FastifyRequest['locale']) => (await getOrganisationById(db, id))?.name[locale] ?? '';
  const documentPage = async (request: FastifyRequest, reply: FastifyReply, id: string, share?: { url: string; expiresAt: Date }) => {
    const document = await ownDocument(db, requestContext(request), id);
    const verification = await verifyDocument(db, id, { full: true });
    return sendPage(reply, <DocumentPage ctx={page(request, reply)} document={document} verification={verification} issuerName={await issuerName(document.organisation_id, request.locale)} share={share} />);
  };

  app.get('/wallet', { schema: { hide: true } }, async (request, reply) => {
    requireCitizen(request.actor);
    return sendPage(reply, <WalletPage ctx={page(request, reply)} documents={await ownDocuments(db, requestContext(request))} />);
  });
  app.get('/wallet/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    return documentPage(request, reply, request.params.id);
  });
  app.get('/wallet/:id/document.pdf', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    requireCitizen(request.actor);
    const document = await ownDocument(db, requestContext(request), request.params.id);
    const pdf = await documentPdf(document, `${config.BASE_URL}/verify/${document.id}`, await issuerName(document.organisation_id, 'en'));
    return reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="document-${document.id}.pdf"`).type('application/pdf').send(pdf);
  });
  app.post('/wallet/:id/share', { schema: { hide: true, params: IdParams, body: Type.Object({ hours: Type.Optional(Type.String({ maxLength: 3 })), _csrf: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    requireCitizen(request.actor);
    const shared = await shareDocument(db, requestContext(request), request.params.id, Number(request.body.hours ?? '24'));
    return documentPage(request, reply, request.params.id, { url: `${config.BASE_URL}/verify/shared/${shared.token}`, expiresAt: shared.expiresAt });
  });

  // Public verification: no sign-in, so that a counter clerk or an employer can check a document.
  app.get('/verify/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const verification = await verifyDocument(db, request.params.id);
    return sendPage(reply, <VerifyPage ctx={page(request, reply)} verification={verification} issuerName={await issuerName(verification.issuer, request.locale)} />);
  });
  app.get('/verify/shared/:token', { schema: { hide: true, params: Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }) }) } }, async (request, reply) => {
    const verification = await verifyShared(db, request.params.token);
    return sendPage(reply, <VerifyPage ctx={page(request, reply)} verification={verification} issuerName={await issuerName(verification.issuer, request.locale)} />);
  });
  app.get('/api/v1/documents/:id/verification', {
    schema: { tags, summary: 'Verify a document: signature, revocation and expiry (holder name masked)', params: IdParams, response: { 200: Verification, 404: Type.Ref('Problem') } },
  }, async (request) => verifyDocument(db, request.params.id));
  app.post('/api/v1/documents/:id/revoke', {
    schema: {
      tags, summary: 'Revoke a document your organisation issued (organisation admin)', security: [{ staffSession: [] }], params: IdParams,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
      response: { 200: Verification, 400: Type.Ref('Problem'), 401: Type.Ref('Problem'), 403: Type.Ref('Problem'), 404: Type.Ref('Problem'), 409: Type.Ref('Problem') },
    },
  }, async (request) => {
    requireRole(request.actor, 'organisation_admin');
    return revokeIssuedDocument(db, requestContext(request), request.params.id, request.body.reason);
  });
  app.get('/api/v1/documents/keys', {
    schema: { tags, summary: 'Public keys (JWKS) that sign wallet documents', response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }) } },
  }, async () => publicKeys(db));
};
