export { recordAudit, chainAuditLog, startAuditChainer, verifyAuditChain, searchAuditLog, type AuditEntry, type VerifyResult, type AuditFilter, type AuditRow } from './audit.ts';
