import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleRoutes } from '../platform/services.ts';
import { STAFF_ROLES, type StaffRole } from '../platform/context.ts';
import { assertOrganisationRecord, hasRole, requireRole } from '../platform/access.ts';
import { DomainError, type FieldError } from '../platform/errors.ts';
import { pageContext, requestContext, sendPage } from '../platform/http/pages.ts';
import { labelsFrom } from '../platform/http/problem.ts';
import { organisationMessages } from './messages.ts';
import * as organisations from './organisation.ts';
import * as staff from './staff.ts';
import { StaffPage, type NewStaffValues } from './views/staff.tsx';

const Roles = Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Array(Type.String({ maxLength: 40 }), { maxItems: 8 })]));
/** The add-staff form's fields as its page labels them (roles also for a member's roles). */
const staffLabels = labelsFrom(organisationMessages, (t) => ({ displayName: t('staff.displayName'), email: t('staff.email'), password: t('staff.password'), roles: t('staff.roles') }));
const asRoles = (value: string | string[] | undefined): StaffRole[] =>
  [...new Set(([] as string[]).concat(value ?? []))].filter((r): r is StaffRole => (STAFF_ROLES as readonly string[]).includes(r));

/** Staff management in the console, for an organisation's admins (and platform admins). */
export const staffConsoleRoutes: ModuleRoutes = async (app, { db, config }) => {
  const show = async (request: FastifyRequest, reply: FastifyReply, code: string, extra: { values?: NewStaffValues; errors?: FieldError[]; saved?: boolean; status?: number } = {}) => {
    const actor = requireRole(request.actor, 'organisation_admin', 'platform_admin');
    const organisation = await organisations.getOrganisation(db, code);
    assertOrganisationRecord(actor, organisation.id, 'The organisation');
    const members = await staff.listStaff(db, requestContext(request), organisation.id);
    const grantable = STAFF_ROLES.filter((r) => r !== 'platform_admin' || hasRole(actor, 'platform_admin'));
    return sendPage(reply, <StaffPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} organisation={organisation} staff={members} grantable={grantable}
      values={extra.values ?? {}} errors={extra.errors ?? []} saved={extra.saved} />, extra.status ?? 200);
  };

  app.get('/console/organisations/:code', {
    schema: { hide: true, params: Type.Object({ code: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }) }), querystring: Type.Object({ saved: Type.Optional(Type.Literal('1')) }) },
  }, async (request, reply) => show(request, reply, request.params.code, { saved: request.query.saved === '1' }));

  app.post('/console/organisations/:code/staff', {
    schema: {
      hide: true, params: Type.Object({ code: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }) }),
      body: Type.Object({ email: Type.Optional(Type.String({ maxLength: 254 })), displayName: Type.Optional(Type.String({ maxLength: 200 })), password: Type.Optional(Type.String({ maxLength: 256 })), roles: Roles, _csrf: Type.Optional(Type.String()) }),
    },
    config: { fieldLabels: staffLabels },
  }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin', 'platform_admin');
    const t = organisationMessages(request.locale);
    const { email = '', displayName = '', password = '' } = request.body;
    const roles = asRoles(request.body.roles);
    const errors: FieldError[] = [];
    if (!displayName.trim()) errors.push({ field: 'displayName', reason: t('staff.required', { field: t('staff.displayName') }) });
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) errors.push({ field: 'email', reason: t('staff.invalidEmail') });
    if (password.length < 12) errors.push({ field: 'password', reason: t('staff.shortPassword') });
    if (roles.length === 0) errors.push({ field: 'roles', reason: t('staff.noRole') });
    if (errors.length === 0) {
      try {
        await staff.createStaff(db, requestContext(request), { email, displayName, password, roles, organisationCode: request.params.code });
        return reply.redirect(`/console/organisations/${request.params.code}?saved=1`, 303);
      } catch (error) {
        if (!(error instanceof DomainError) || !['conflict', 'invalid_input'].includes(error.code)) throw error;
        errors.push({ field: 'email', reason: error.message });
      }
    }
    return show(request, reply, request.params.code, { values: { email, displayName, roles }, errors, status: 400 });
  });

  app.post('/console/staff/:id/roles', {
    schema: { hide: true, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: Type.Object({ roles: Roles, _csrf: Type.Optional(Type.String()) }) },
    config: { fieldLabels: staffLabels },
  }, async (request, reply) => {
    requireRole(request.actor, 'organisation_admin', 'platform_admin');
    const ctx = requestContext(request);
    const member = await staff.getStaff(db, ctx, request.params.id);
    const organisation = await organisations.getOrganisationById(db, member.organisationId);
    try {
      await staff.setStaffRoles(db, ctx, member.id, asRoles(request.body.roles));
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'conflict') throw error;
      return show(request, reply, organisation!.code, { errors: [{ field: `roles-${member.id}-officer`, reason: error.message }], status: 409 });
    }
    return reply.redirect(`/console/organisations/${organisation!.code}?saved=1`, 303);
  });
};
