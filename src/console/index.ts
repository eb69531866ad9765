export { consoleRoutes } from './routes.tsx';
export { auditRoutes } from './audit-routes.tsx';
