import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import type { FileStore } from '../platform/files/index.ts';
import * as store from './store.ts';

// A draft a citizen started and left holds personal data (answers, identity papers, photographs) that serves no one
// once abandoned. Only drafts are ever deleted: anything submitted, awaiting payment or decided is the record.

const BATCH = 200;
const DAY_MS = 86_400_000;

/**
 * Deletes drafts not changed for `retentionDays` days, and their files. Each batch is one transaction with an audit
 * entry per draft; the files' bytes go after it commits, so a failed batch never loses files its rows still name
 * (a crash between the two can only leave bytes that nothing names).
 */
export async function deleteAbandonedDrafts(db: Db, files: FileStore, ctx: RequestContext, retentionDays: number, now = new Date()): Promise<{ drafts: number; files: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const total = { drafts: 0, files: 0 };
  for (;;) {
    const deleted = await db.transaction().execute(async (trx) => {
      const drafts = await store.deleteDraftsUnchangedSince(trx, cutoff, BATCH);
      for (const draft of drafts) {
        await recordAudit(trx, ctx, {
          action: 'application.draft_deleted', recordType: 'application', recordId: draft.id, organisationId: draft.organisation_id,
          detail: { service: draft.service_id, lastChanged: draft.updated_at.toISOString(), files: draft.fileKeys.length, retentionDays },
        });
      }
      return drafts;
    });
    const keys = deleted.flatMap((draft) => draft.fileKeys);
    await Promise.all(keys.map((key) => files.delete(key)));
    total.drafts += deleted.length;
    total.files += keys.length;
    if (deleted.length < BATCH) return total;
  }
}
