import { createHash, randomBytes } from 'node:crypto';
import { Type, type Static } from 'typebox';
import type { Db, Queryable, Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { assertOrganisationRecord, requireCitizen, requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound } from '../platform/errors.ts';
import { signDocument, verifySignature } from './signing.ts';
import * as store from './store.ts';

export interface DocumentToIssue {
  citizenId: string;
  organisationId: string;
  kind: string;
  title: { en: string; 'zh-HK': string };
  holderName: string;
  claims: Record<string, string>;
  sourceReference?: string | undefined;
  validUntil?: string | undefined;
}

/** Issues a signed document into a wallet, inside the caller's transaction (e.g. with the approval it follows from). */
export async function issueDocument(trx: Trx, ctx: RequestContext, signingSecret: string, input: DocumentToIssue): Promise<store.DocumentRow> {
  const id = crypto.randomUUID();
  const issuedAt = new Date();
  const content = {
    id, kind: input.kind, title: input.title, holderName: input.holderName, issuer: input.organisationId, issuedAt: issuedAt.toISOString(),
    validUntil: input.validUntil ?? null, claims: input.claims, sourceReference: input.sourceReference ?? null,
  };
  const row = await store.insertDocument(trx, {
    id, citizen_id: input.citizenId, organisation_id: input.organisationId, kind: input.kind, title_en: input.title.en, title_zh_hk: input.title['zh-HK'],
    holder_name: input.holderName, claims: JSON.stringify(input.claims), source_reference: input.sourceReference ?? null, issued_at: issuedAt,
    valid_until: input.validUntil ?? null, revoked_at: null, revocation_reason: null, jws: await signDocument(trx, signingSecret, content),
  });
  await recordAudit(trx, ctx, { action: 'document.issued', recordType: 'wallet_document', recordId: id, organisationId: input.organisationId, detail: { kind: input.kind } });
  return row;
}

export const Verification = Type.Object({
  status: Type.Union([Type.Literal('valid'), Type.Literal('revoked'), Type.Literal('expired'), Type.Literal('invalid')]),
  id: Type.String(), kind: Type.String(), title: Type.Object({ en: Type.String(), 'zh-HK': Type.String() }), issuer: Type.String(),
  holderName: Type.String({ description: 'Masked unless the holder shared the document' }), issuedAt: Type.String(), validUntil: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]), claims: Type.Optional(Type.Record(Type.String(), Type.String())), jws: Type.String(),
});
export type Verification = Static<typeof Verification>;

/** "CHAN, Tai Man" → "CHAN, T** M**": enough to match a person in front of you, not to learn their name. */
const mask = (name: string) => name.replace(/(\p{L})(\p{L}+)/gu, (_m, first: string, rest: string) => (first === first.toUpperCase() && rest === rest.toUpperCase() ? first + rest : first + '*'.repeat(rest.length)));

/** Anyone may verify a document by its id; full details only through a live share link. */
export async function verifyDocument(db: Queryable, id: string, options: { full?: boolean } = {}): Promise<Verification> {
  const row = await store.documentById(db, id);
  if (!row) throw notFound('The document');
  const signed = await verifySignature(db, row.jws);
  const today = new Date().toISOString().slice(0, 10);
  const status = !signed || signed.id !== row.id ? 'invalid' : row.revoked_at ? 'revoked' : row.valid_until && row.valid_until < today ? 'expired' : 'valid';
  return {
    status, id: row.id, kind: row.kind, title: { en: row.title_en, 'zh-HK': row.title_zh_hk }, issuer: row.organisation_id,
    holderName: options.full ? row.holder_name : mask(row.holder_name), issuedAt: row.issued_at.toISOString(), validUntil: row.valid_until,
    revokedAt: row.revoked_at?.toISOString() ?? null, ...(options.full ? { claims: row.claims as Record<string, string> } : {}), jws: row.jws,
  };
}

export async function ownDocuments(db: Db, ctx: RequestContext) {
  return store.documentsOf(db, requireCitizen(ctx.actor).id);
}

export async function ownDocument(db: Db, ctx: RequestContext, id: string) {
  const row = await store.documentById(db, id);
  if (!row || row.citizen_id !== requireCitizen(ctx.actor).id) throw notFound('The document');
  return row;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A link that shows the whole document to whoever holds it, until it expires. */
export async function shareDocument(db: Db, ctx: RequestContext, id: string, hours: number): Promise<{ token: string; expiresAt: Date }> {
  if (!Number.isInteger(hours) || hours < 1 || hours > 72) throw invalidInput([{ field: 'hours', reason: 'must be a whole number of hours from 1 to 72' }]);
  const document = await ownDocument(db, ctx, id);
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await db.transaction().execute(async (trx) => {
    await store.insertShare(trx, { token_hash: hashToken(token), document_id: document.id, expires_at: expiresAt });
    await recordAudit(trx, ctx, { action: 'document.shared', recordType: 'wallet_document', recordId: document.id, organisationId: null, detail: { hours } });
  });
  return { token, expiresAt };
}

export async function verifyShared(db: Db, token: string): Promise<Verification> {
  const share = token.length <= 64 ? await store.liveShare(db, hashToken(token)) : undefined;
  if (!share) throw notFound('The shared document (the link may have expired)');
  return verifyDocument(db, share.document_id, { full: true });
}

/** The issuing organisation's admin revokes a document; verification says so from then on. */
export async function revokeIssuedDocument(db: Db, ctx: RequestContext, id: string, reason: string): Promise<Verification> {
  const admin = requireRole(ctx.actor, 'organisation_admin');
  const text = reason.trim();
  if (!text) throw invalidInput([{ field: 'body.reason', reason: 'is required' }]);
  await db.transaction().execute(async (trx) => {
    const row = await store.documentById(trx, id);
    assertOrganisationRecord(admin, row?.organisation_id ?? null, 'The document');
    if (!(await store.revokeDocument(trx, id, text))) throw conflict('The document is already revoked.');
    await recordAudit(trx, ctx, { action: 'document.revoked', recordType: 'wallet_document', recordId: id, organisationId: row!.organisation_id, detail: { reason: text } });
  });
  return verifyDocument(db, id);
}

/** Documents issued in the last `newDays` days, and those that expire within `expiringDays`. */
export async function documentsNeedingAttention(db: Queryable, citizenId: string, newDays = 30, expiringDays = 60) {
  const documents = (await store.documentsOf(db, citizenId)).filter((d) => !d.revoked_at);
  const today = new Date().toISOString().slice(0, 10);
  const horizon = new Date(Date.now() + expiringDays * 86_400_000).toISOString().slice(0, 10);
  return {
    recent: documents.filter((d) => d.issued_at.getTime() > Date.now() - newDays * 86_400_000),
    expiring: documents.filter((d) => d.valid_until && d.valid_until >= today && d.valid_until <= horizon),
  };
}
