export { openDataApiRoutes, openDataRoutes } from './routes.tsx';
export { seedOpenData, seedSyntheticDatasets } from './sample.ts';
