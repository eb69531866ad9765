export { assistantRoutes } from './routes.tsx';
