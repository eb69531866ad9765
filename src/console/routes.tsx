import type { ModuleRoutes } from '../platform/services.ts';
import { hasRole, requireStaff } from '../platform/access.ts';
import { pageContext, sendPage } from '../platform/http/pages.ts';
import { getOrganisationById, roleName } from '../organisations/index.ts';
import { consoleMessages } from './messages.ts';
import { ConsoleHomePage, type ConsoleLink } from './views/home.tsx';

/** The console shell: what a signed-in staff member may do, offered by role (the server checks again on each route). */
export const consoleRoutes: ModuleRoutes = async (app, { db, config }) => {
  app.get('/console', { schema: { hide: true } }, async (request, reply) => {
    const staff = requireStaff(request.actor);
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    const t = consoleMessages(ctx.locale);
    const organisation = await getOrganisationById(db, staff.organisationId);
    const links: ConsoleLink[] = [{ href: '/console/organisations', label: t('link.organisations'), hint: t('link.organisationsHint') }];
    if (organisation && (hasRole(staff, 'organisation_admin') || hasRole(staff, 'platform_admin'))) {
      links.push({ href: `/console/organisations/${organisation.code}`, label: t('link.staff'), hint: t('link.staffHint') });
    }
    if (['organisation_admin', 'officer', 'approver'].some((r) => hasRole(staff, r as 'officer'))) {
      links.push({ href: '/console/services', label: t('link.services'), hint: t('link.servicesHint') });
    }
    if (['officer', 'organisation_admin', 'platform_admin'].some((r) => hasRole(staff, r as 'officer'))) {
      links.push({ href: '/console/opendata', label: t('link.opendata'), hint: t('link.opendataHint') });
    }
    links.push({ href: '/console/payments', label: t('link.payments'), hint: t('link.paymentsHint') });
    if (hasRole(staff, 'organisation_admin')) links.push({ href: '/console/payment-items', label: t('link.paymentItems'), hint: t('link.paymentItemsHint') });
    if (hasRole(staff, 'officer') || hasRole(staff, 'approver')) links.push({ href: '/console/identity', label: t('link.identity'), hint: t('link.identityHint') });
    if (hasRole(staff, 'organisation_admin')) links.push({ href: '/console/developer', label: t('link.developer'), hint: t('link.developerHint') });
    if (hasRole(staff, 'platform_admin')) {
      links.push({ href: '/console/developer/requests', label: t('link.clientRequests'), hint: t('link.clientRequestsHint') });
      links.push({ href: '/console/outbox', label: t('link.outbox'), hint: t('link.outboxHint') });
    }
    if (hasRole(staff, 'platform_admin')) links.push({ href: '/console/audit', label: t('link.audit'), hint: t('link.auditHint') });
    links.push({ href: '/api/docs', label: t('link.api'), hint: t('link.apiHint') });
    const roleNames = staff.roles.map((r) => roleName(ctx.locale, r));
    return sendPage(reply, <ConsoleHomePage ctx={ctx} staff={staff} organisation={organisation} roleNames={roleNames} links={links} />);
  });
};
