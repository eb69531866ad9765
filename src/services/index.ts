export { serviceRoutes } from './routes.tsx';
export { getPublishedService, type Service } from './service.ts';
export { searchCatalogue } from './catalogue.ts';
export { seedServices, generateServices } from './sample.ts';
export { applicationsAwaitingCitizen } from './application.ts';
export { deleteAbandonedDrafts } from './draft-retention.ts';
