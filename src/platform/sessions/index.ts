export { defineSessions, type SessionKind, type SessionLimits } from './sessions.ts';
