import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: jsonb does not keep key order, the hash must not depend on it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export interface ChainContent {
  seq: number; occurred_at: Date; actor_kind: string; actor_id: string | null; actor_label: string; organisation_id: string | null;
  action: string; record_type: string; record_id: string | null; request_id: string | null; detail: Record<string, unknown>; prev_hash: string;
}

export function entryHash(row: ChainContent): string {
  const fields = [
    row.seq, row.occurred_at.toISOString(), row.actor_kind, row.actor_id, row.actor_label, row.organisation_id,
    row.action, row.record_type, row.record_id, row.request_id, row.detail, row.prev_hash,
  ];
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}
