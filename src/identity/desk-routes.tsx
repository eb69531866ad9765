import { Type } from 'typebox';
import { FormText } from './schemas.ts';
import type { ModuleRoutes } from '../platform/services.ts';
import { requireRole } from '../platform/access.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { pageErrors } from './routes.tsx';
import { identityMessages } from './messages.ts';
import { citizenOrSignIn } from './settings-routes.tsx';
import { confirmPersonalCode, issuePersonalCode, PERSONAL_CODE_MINUTES } from './personal-code.ts';
import { DOCUMENT_TYPES, documentKeys, proofIdentity, type DocumentType } from './proofing.ts';
import { ConfirmedPersonPage, HelpDeskPage, PersonalCodePage } from './views/desk.tsx';

const Text = (max: number) => Type.Optional(FormText(max));

/** Staff-assisted identity: the help desk (personal codes, identity proofing) and the citizen's personal code. */
export const helpDeskRoutes: ModuleRoutes = async (app, { db, config }) => {
  const secret = config.SESSION_SECRET;

  app.get('/console/identity', { schema: { hide: true, querystring: Type.Object({ proofed: Text(2) }) } }, async (request, reply) => {
    requireRole(request.actor, 'officer');
    return sendPage(reply, <HelpDeskPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} proofed={request.query.proofed === '1'} errors={[]} />);
  });

  app.post('/console/identity/personal-code', { schema: { hide: true, body: Type.Object({ code: Text(40), _csrf: Text(200) }) } }, async (request, reply) => {
    requireRole(request.actor, 'officer');
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    try {
      // The answer is shown, not redirected to: the code is spent, there is nothing to show again.
      const person = await confirmPersonalCode(db, secret, requestContext(request), request.body.code ?? '');
      return sendPage(reply, <ConfirmedPersonPage ctx={ctx} person={person} />);
    } catch (error) {
      const errors = pageErrors(error, reply, { throttled: (seconds) => identityMessages(ctx.locale)('signIn.throttled', { seconds }), fallback: '', field: 'code' });
      return sendPage(reply, <HelpDeskPage ctx={ctx} errors={errors} />, error instanceof Error && 'status' in error ? (error.status as number) : 400);
    }
  });

  app.post('/console/identity/proofing', {
    schema: { hide: true, body: Type.Object({ email: Text(254), documentType: Type.Optional(Type.Union(DOCUMENT_TYPES.map((d) => Type.Literal(d)))), documentNumber: Text(40), _csrf: Text(200) }) },
  }, async (request, reply) => {
    requireRole(request.actor, 'officer');
    const { email = '', documentType = 'hkid', documentNumber = '' } = request.body;
    try {
      await proofIdentity(db, documentKeys(config), requestContext(request), { email, documentType: documentType as DocumentType, documentNumber });
      return reply.redirect('/console/identity?proofed=1', 303);
    } catch (error) {
      const errors = pageErrors(error, reply, { throttled: () => '', fallback: '', field: 'email' });
      const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
      return sendPage(reply, <HelpDeskPage ctx={ctx} email={email} errors={errors.length ? errors : [{ field: 'email', reason: (error as Error).message }]} />, (error as { status?: number }).status ?? 400);
    }
  });

  app.get('/account/personal-code', { schema: { hide: true } }, async (request, reply) => {
    if (!citizenOrSignIn(request, reply)) return reply;
    return sendPage(reply, <PersonalCodePage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} minutes={PERSONAL_CODE_MINUTES} />);
  });

  app.post('/account/personal-code', { schema: { hide: true } }, async (request, reply) => {
    if (!citizenOrSignIn(request, reply)) return reply;
    const issued = await issuePersonalCode(db, secret, requestContext(request));
    return sendPage(reply, <PersonalCodePage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} minutes={PERSONAL_CODE_MINUTES} issued={issued} />);
  });
};
