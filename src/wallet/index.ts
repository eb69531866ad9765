export { walletRoutes } from './routes.tsx';
export { issueDocument, verifyDocument, type DocumentToIssue } from './document.ts';
export { ownDocuments, documentsNeedingAttention } from './document.ts';
export { sendExpiryReminders } from './reminder.ts';
