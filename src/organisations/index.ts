export { organisationRoutes, staffSessionPlugin } from './routes.tsx';
export { STAFF_SESSION_COOKIE } from './session.ts';
export { listOrganisations, getOrganisation, getOrganisationById, createOrganisation, type Organisation } from './organisation.ts';
export { createStaff, hashPassword, listStaffMembers, getStaffMember, type StaffMember } from './staff.ts';
export { seedOrganisations, sampleEmail, SAMPLE_PASSWORD } from './sample.ts';
export { roleName } from './messages.ts';
