import { sql } from 'kysely';
import type { Db } from '../platform/db/database.ts';
import * as store from './store.ts';

// The historical archive: every file a resource has had, addressed by the resource's stable download URL and a
// timestamp `YYYYMMDD-HHMM` in Hong Kong time (UTC+8, as the current portal's archive API uses).

const HONG_KONG_OFFSET_MS = 8 * 3600_000;

export function archiveTimestamp(date: Date): string {
  const hk = new Date(date.getTime() + HONG_KONG_OFFSET_MS).toISOString();
  return `${hk.slice(0, 4)}${hk.slice(5, 7)}${hk.slice(8, 10)}-${hk.slice(11, 13)}${hk.slice(14, 16)}`;
}

/** The start of a Hong Kong day `YYYYMMDD` as an instant, or undefined when it is not a real date. */
export function hongKongDay(day: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - HONG_KONG_OFFSET_MS);
  return archiveTimestamp(date).startsWith(day) ? date : undefined;
}

export const isArchiveTimestamp = (value: string) => /^\d{8}-\d{4}$/.test(value) && hongKongDay(value.slice(0, 8)) !== undefined;

/** The resource id inside one of our download URLs (`…/opendata/download/{id}/{file}`). */
export function resourceIdFromUrl(url: string): string | undefined {
  const match = /\/opendata\/download\/([0-9a-f-]{36})(?:\/|$)/i.exec(url);
  return match && store.isUuid(match[1]!) ? match[1]!.toLowerCase() : undefined;
}

export interface ArchiveFilter { from: Date; to: Date; category?: string | undefined; organisationId?: string | undefined; format?: string | undefined; search?: string | undefined; order: 'asc' | 'desc'; skip: number; max: number }

/** Files with at least one version in the period; one statement with the total count. */
export async function listArchivedFiles(db: Db, f: ArchiveFilter) {
  const search = f.search ? `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const result = await sql<{ resource_id: string; file_name: string; format: string; category: string; organisation_id: string; dataset_name: string; title_en: string; title_zh_hk: string; title_zh_cn: string; name_en: string; name_zh_hk: string; name_zh_cn: string; data_dictionary_url: string; versions: number; first_at: Date; last_at: Date; total: number }>`
    SELECT r.id AS resource_id, r.file_name, r.format, d.category, d.organisation_id, d.name AS dataset_name, d.title_en, d.title_zh_hk, d.title_zh_cn,
      r.name_en, r.name_zh_hk, r.name_zh_cn, d.data_dictionary_url, count(*)::int AS versions, min(v.version_at) AS first_at, max(v.version_at) AS last_at, count(*) OVER ()::int AS total
    FROM opendata_resource_versions v JOIN opendata_resources r ON r.id = v.resource_id JOIN opendata_datasets d ON d.id = r.dataset_id
    WHERE v.version_at >= ${f.from} AND v.version_at < ${f.to}
      ${f.category ? sql`AND d.category = ${f.category}` : sql``}
      ${f.organisationId ? sql`AND d.organisation_id = ${f.organisationId}` : sql``}
      ${f.format ? sql`AND lower(r.format) = lower(${f.format})` : sql``}
      ${search ? sql`AND (d.title_en ILIKE ${search} OR d.title_zh_hk ILIKE ${search} OR d.title_zh_cn ILIKE ${search} OR r.name_en ILIKE ${search})` : sql``}
    GROUP BY r.id, d.id
    ORDER BY max(v.version_at) ${sql.raw(f.order === 'asc' ? 'ASC' : 'DESC')}, r.id
    LIMIT ${f.max} OFFSET ${f.skip}`.execute(db);
  return { rows: result.rows, total: result.rows[0]?.total ?? 0 };
}

export async function versionsInPeriod(db: Db, resourceId: string, from: Date, to: Date): Promise<Date[]> {
  const rows = await db.selectFrom('opendata_resource_versions').select('version_at').where('resource_id', '=', resourceId)
    .where('version_at', '>=', from).where('version_at', '<', to).orderBy('version_at', 'asc').execute();
  return rows.map((r) => r.version_at);
}

/** The version shown under a timestamp: the latest made within that minute. */
export async function versionAt(db: Db, resourceId: string, timestamp: string): Promise<store.ResourceVersionRow | undefined> {
  const day = hongKongDay(timestamp.slice(0, 8));
  if (!day) return undefined;
  const start = new Date(day.getTime() + Number(timestamp.slice(9, 11)) * 3600_000 + Number(timestamp.slice(11, 13)) * 60_000);
  return db.selectFrom('opendata_resource_versions').selectAll().where('resource_id', '=', resourceId)
    .where('version_at', '>=', start).where('version_at', '<', new Date(start.getTime() + 60_000)).orderBy('version_at', 'desc').executeTakeFirst();
}
