import { Type, type Static } from 'typebox';
import type { ModuleRoutes } from '../platform/services.ts';
import { requireRole } from '../platform/access.ts';
import { searchAuditLog, type AuditFilter, type AuditRow } from '../platform/audit/index.ts';
import { invalidInput } from '../platform/errors.ts';
import { pageContext, sendPage } from '../platform/http/pages.ts';
import { listOrganisations } from '../organisations/index.ts';
import { AuditLogPage } from './views/audit-log.tsx';

const PAGE_SIZE = 50;
const Day = Type.String({ maxLength: 10, description: 'YYYY-MM-DD' });
const AuditQuery = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 100 })),
  recordType: Type.Optional(Type.String({ maxLength: 100 })),
  recordId: Type.Optional(Type.String({ maxLength: 200 })),
  actorId: Type.Optional(Type.String({ maxLength: 200 })),
  organisation: Type.Optional(Type.String({ maxLength: 36 })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
});
type AuditQuery = Static<typeof AuditQuery>;

const AuditEntry = Type.Object({
  id: Type.Integer(), seq: Type.Union([Type.Integer(), Type.Null()], { description: 'Place in the hash chain; null for a moment after commit, until the chainer links it' }), occurredAt: Type.String({ format: 'date-time' }), actorKind: Type.String(), actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String(), organisationId: Type.Union([Type.String(), Type.Null()]), action: Type.String(), recordType: Type.String(),
  recordId: Type.Union([Type.String(), Type.Null()]), requestId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()), hash: Type.Union([Type.String(), Type.Null()]), prevHash: Type.Union([Type.String(), Type.Null()]),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseDay(value: string | undefined, field: string): Date | undefined {
  if (!value) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00+08:00`) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw invalidInput([{ field: `querystring.${field}`, reason: 'must be a date written YYYY-MM-DD' }]);
  return date;
}

function toFilter(q: AuditQuery): AuditFilter {
  if (q.organisation && !UUID.test(q.organisation)) throw invalidInput([{ field: 'querystring.organisation', reason: 'must be an organisation id' }]);
  const to = parseDay(q.to, 'to');
  return {
    action: q.action?.trim() || undefined, recordType: q.recordType?.trim() || undefined, recordId: q.recordId?.trim() || undefined,
    actorId: q.actorId?.trim() || undefined, organisationId: q.organisation || undefined,
    from: parseDay(q.from, 'from'), to: to ? new Date(to.getTime() + 86_400_000) : undefined, beforeId: q.before,
  };
}

const present = (e: AuditRow) => ({
  id: e.id, seq: e.seq, occurredAt: e.occurred_at.toISOString(), actorKind: e.actor_kind, actorId: e.actor_id, actorLabel: e.actor_label, organisationId: e.organisation_id,
  action: e.action, recordType: e.record_type, recordId: e.record_id, requestId: e.request_id, detail: e.detail, hash: e.hash, prevHash: e.prev_hash,
});

/** Browsing the audit log: platform admins only. */
export const auditRoutes: ModuleRoutes = async (app, { db, config }) => {
  app.get('/console/audit', { schema: { hide: true, querystring: AuditQuery } }, async (request, reply) => {
    requireRole(request.actor, 'platform_admin');
    const entries = await searchAuditLog(db, { actor: request.actor! }, toFilter(request.query), PAGE_SIZE);
    const ctx = pageContext(request, reply, config.SEED_SAMPLE_DATA);
    const organisations = (await listOrganisations(db)).map((o) => ({ id: o.id, label: o.name[ctx.locale] }));
    const last = entries.at(-1);
    const older = entries.length === PAGE_SIZE && last ? `/console/audit?${new URLSearchParams({ ...clean(request.query), before: String(last.id) })}` : undefined;
    return sendPage(reply, <AuditLogPage ctx={ctx} query={request.query} entries={entries} organisations={organisations} olderHref={older} />);
  });

  app.get('/api/v1/audit', {
    schema: {
      tags: ['audit'], summary: 'Search the audit log (platform admin), newest first', security: [{ staffSession: [] }], querystring: AuditQuery,
      response: { 200: Type.Object({ entries: Type.Array(AuditEntry), next: Type.Union([Type.Integer(), Type.Null()], { description: 'pass as `before` for the next page' }) }), 400: Type.Ref('Problem'), 401: Type.Ref('Problem'), 403: Type.Ref('Problem') },
    },
  }, async (request) => {
    requireRole(request.actor, 'platform_admin');
    const entries = await searchAuditLog(db, { actor: request.actor! }, toFilter(request.query), PAGE_SIZE);
    return { entries: entries.map(present), next: entries.length === PAGE_SIZE ? (entries.at(-1)?.id ?? null) : null };
  });
};

function clean(query: AuditQuery): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([k, v]) => k !== 'before' && v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
}
