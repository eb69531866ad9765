export { identityRoutes } from './module.ts';
export { citizenSessionPlugin } from './routes.tsx';
export { ACR, ACR_VALUES } from './assurance.ts';
