export { recordAudit, verifyAuditChain, searchAuditLog, type AuditEntry, type VerifyResult, type AuditFilter, type AuditRow } from './audit.ts';
