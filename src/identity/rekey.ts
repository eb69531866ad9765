import type { Db, Queryable } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { documentLookup, encryptDocument, openDocument, type DocumentKeys, type DocumentType } from './proofing.ts';

export interface RekeyResult {
  /** Re-sealed with the current key in this run. */
  resealed: number;
  /** Already sealed and looked up with the current key. */
  current: number;
  /** Citizens whose document no key opens: left as they are. */
  unreadable: string[];
  /**
   * Citizens whose document another account already holds under the current key (proofed twice while the old
   * look-up hash was not checked): left as they are for an officer to decide which account keeps it.
   */
  shared: string[];
}

const BATCH = 100;

// Queries for this one-off operation only; the account's everyday ones are in store.ts.
const sealedDocuments = (db: Queryable, after: string) => db.selectFrom('citizens')
  .select(['id', 'document_type', 'document_ciphertext', 'document_lookup'])
  .where('document_ciphertext', 'is not', null).where('id', '>', after).orderBy('id').limit(BATCH).forUpdate().execute();
const holderOf = (db: Queryable, lookup: string) => db.selectFrom('citizens').select('id').where('document_lookup', '=', lookup).executeTakeFirst();

/**
 * Re-seals every identity document with the current key (IDENTITY_KEY), from the previous one (SESSION_SECRET),
 * with its look-up hash, a batch per transaction, each change audited. Running it again changes nothing; the
 * service may keep running meanwhile, as readers try both keys.
 */
export async function rekeyIdentityDocuments(db: Db, keys: DocumentKeys, ctx: RequestContext): Promise<RekeyResult> {
  const result: RekeyResult = { resealed: 0, current: 0, unreadable: [], shared: [] };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const rows = await sealedDocuments(trx, after);
      for (const row of rows) {
        const opened = openDocument(keys, row.document_ciphertext!);
        if (!opened) {
          result.unreadable.push(row.id);
          continue;
        }
        const documentType = row.document_type as DocumentType;
        const lookup = documentLookup(keys[0], documentType, opened.number);
        if (opened.sealedWithCurrentKey && row.document_lookup === lookup) {
          result.current += 1;
          continue;
        }
        const holder = await holderOf(trx, lookup);
        if (holder && holder.id !== row.id) {
          result.shared.push(row.id);
          continue;
        }
        await trx.updateTable('citizens').set({ document_ciphertext: encryptDocument(keys[0], opened.number), document_lookup: lookup }).where('id', '=', row.id).execute();
        await recordAudit(trx, ctx, { action: 'citizen.identity_document_resealed', recordType: 'citizen', recordId: row.id, detail: { documentType } });
        result.resealed += 1;
      }
      return rows;
    });
    if (batch.length < BATCH) return result;
    after = batch.at(-1)!.id;
  }
}
