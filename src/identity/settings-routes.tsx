import { Type } from 'typebox';
import { FormText } from './schemas.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityRoutes } from './module.ts';
import type { CitizenActor } from '../platform/context.ts';
import { DomainError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { identityMessages } from './messages.ts';
import { cookieOptions, pageErrors } from './routes.tsx';
import { CITIZEN_SESSION_COOKIE, listDevices, signOutEverywhere } from './session.ts';
import { confirmTotp, hasTotp, pendingTotp, startTotp } from './totp.ts';
import { EDITABLE_FIELDS, loadProfile, updateProfile, type EditableField } from './profile.ts';
import { AccountPage, DevicesPage, PhoneCodePage, ProfilePage, RecoveryCodesPage, SecurityPage } from './views/account.tsx';
import { confirmPhoneCode, sendPhoneCode } from './phone.ts';

const ProfileBody = Type.Object(Object.fromEntries([...EDITABLE_FIELDS, '_csrf'].map((f) => [f, Type.Optional(FormText(1000))])));

/** The citizen, or a redirect to sign in that comes back here afterwards. */
export function citizenOrSignIn(request: FastifyRequest, reply: FastifyReply): CitizenActor | undefined {
  if (request.actor?.kind === 'citizen') return request.actor;
  void reply.redirect(`/account/sign-in?return=${encodeURIComponent(request.url)}`, 303);
  return undefined;
}

/** The citizen's own account pages: profile, two-step verification, devices. */
export const settingsRoutes: IdentityRoutes = async (app, { db, config, mail }) => {
  const ctxOf = (request: FastifyRequest, reply: FastifyReply) => pageContext(request, reply, config.SEED_SAMPLE_DATA);

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    return sendPage(reply, <AccountPage ctx={ctxOf(request, reply)} actor={actor} />);
  });

  app.get('/account/profile', { schema: { hide: true, querystring: Type.Object({ saved: Type.Optional(FormText(2)), phone: Type.Optional(FormText(10)) }) } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    return sendPage(reply, <ProfilePage ctx={ctxOf(request, reply)} profile={await loadProfile(db, actor.id)} saved={request.query.saved === '1'} phoneVerified={request.query.phone === 'verified'} errors={[]} />);
  });

  app.post('/account/profile/phone', { schema: { hide: true } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    const ctx = ctxOf(request, reply);
    try {
      const delivery = await sendPhoneCode(db, mail, config.SESSION_SECRET, requestContext(request), ctx.locale);
      return reply.redirect(`/account/profile/phone${delivery === 'sent' ? '' : '?delayed=1'}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'invalid_input') throw error;
      return sendPage(reply, <PhoneCodePage ctx={ctx} phone={(await loadProfile(db, actor.id)).phone?.value ?? ''} errors={error.extra.fields ?? []} />, 400);
    }
  });

  app.get('/account/profile/phone', { schema: { hide: true, querystring: Type.Object({ delayed: Type.Optional(FormText(2)) }) } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    const phone = (await loadProfile(db, actor.id)).phone;
    if (!phone) return reply.redirect('/account/profile', 303);
    return sendPage(reply, <PhoneCodePage ctx={ctxOf(request, reply)} phone={phone.value} delayed={request.query.delayed === '1'} errors={[]} />);
  });

  app.post('/account/profile/phone/confirm', { schema: { hide: true, body: Type.Object({ code: Type.Optional(FormText(20)), _csrf: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    try {
      await confirmPhoneCode(db, config.SESSION_SECRET, requestContext(request), request.body.code ?? '');
      return reply.redirect('/account/profile?phone=verified', 303);
    } catch (error) {
      const errors = pageErrors(error, reply, { throttled: () => '', fallback: '', field: 'code' });
      return sendPage(reply, <PhoneCodePage ctx={ctxOf(request, reply)} phone={(await loadProfile(db, actor.id)).phone?.value ?? ''} errors={errors} />, 400);
    }
  });

  app.post('/account/profile', { schema: { hide: true, body: ProfileBody } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    const input = Object.fromEntries(EDITABLE_FIELDS.map((f) => [f, request.body[f] ?? ''])) as Record<EditableField, string>;
    try {
      await updateProfile(db, requestContext(request), input);
      return reply.redirect('/account/profile?saved=1', 303);
    } catch (error) {
      const ctx = ctxOf(request, reply);
      const errors = pageErrors(error, reply, { throttled: () => '', fallback: '', field: 'name_en' });
      return sendPage(reply, <ProfilePage ctx={ctx} profile={await loadProfile(db, actor.id)} values={input} errors={errors} />, 400);
    }
  });

  app.get('/account/security', { schema: { hide: true } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    const ctx = requestContext(request);
    return sendPage(reply, <SecurityPage ctx={ctxOf(request, reply)} enabled={await hasTotp(db, actor.id)} pending={await pendingTotp(db, ctx)} errors={[]} />);
  });

  app.post('/account/security/totp', { schema: { hide: true } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    if (await hasTotp(db, actor.id)) throw new DomainError('conflict', 'Two-step verification is already on.');
    await startTotp(db, requestContext(request));
    return reply.redirect('/account/security', 303);
  });

  app.post('/account/security/totp/confirm', { schema: { hide: true, body: Type.Object({ code: Type.Optional(FormText(20)), _csrf: Type.Optional(Type.String()) }) } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    const ctx = requestContext(request);
    try {
      const codes = await confirmTotp(db, ctx, request.body.code ?? '');
      // Shown in the answer to the POST itself, never stored in a readable form: there is no page to come back to.
      return sendPage(reply, <RecoveryCodesPage ctx={ctxOf(request, reply)} codes={codes} />);
    } catch (error) {
      const t = identityMessages(ctx.locale);
      const errors = pageErrors(error, reply, { throttled: () => '', fallback: t('code.wrong'), field: 'code' });
      return sendPage(reply, <SecurityPage ctx={ctxOf(request, reply)} enabled={false} pending={await pendingTotp(db, ctx)} errors={errors} />, 400);
    }
  });

  app.get('/account/devices', { schema: { hide: true } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    return sendPage(reply, <DevicesPage ctx={ctxOf(request, reply)} devices={await listDevices(db, actor)} />);
  });

  app.post('/account/devices/sign-out-everywhere', { schema: { hide: true } }, async (request, reply) => {
    const actor = citizenOrSignIn(request, reply);
    if (!actor) return reply;
    await signOutEverywhere(db, requestContext(request));
    reply.clearCookie(CITIZEN_SESSION_COOKIE, cookieOptions(config));
    return reply.redirect('/account/sign-in', 303);
  });
};
