import type { Db } from '../platform/db/database.ts';
import type { Mailer } from '../platform/mail/index.ts';
import { loadProfile } from '../identity/index.ts';
import * as store from './store.ts';

/** Emails each holder once about a document that expires within `days` days; returns how many were sent. */
export async function sendExpiryReminders(db: Db, mailer: (db: Db) => Mailer, days = 30): Promise<number> {
  const today = new Date().toISOString().slice(0, 10);
  const horizon = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  let sent = 0;
  for (const document of await store.dueForReminder(db, today, horizon)) {
    const to = (await loadProfile(db, document.citizen_id)).email?.value;
    // The reminder is marked and queued in one transaction (the outbox is a table): never twice, never lost.
    await db.transaction().execute(async (trx) => {
      if (!(await store.markReminded(trx, document.id)) || !to) return;
      await mailer(trx).send({
        to, subject: `Your ${document.title_en} expires on ${document.valid_until}`,
        text: `Your ${document.title_en} (${document.title_zh_hk}) in your Digital Document wallet expires on ${document.valid_until}.\n\nSee what you need to renew it on your Personal Assistant page.\n`,
      });
      sent++;
    });
  }
  return sent;
}
