import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound } from '../platform/errors.ts';
import * as store from './store.ts';
import { parseContact } from './contact.ts';

export const DOCUMENT_TYPES = ['hkid', 'passport', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

const keyFor = (secret: string, purpose: string) => Buffer.from(hkdfSync('sha256', secret, 'smartgov identity documents', purpose, 32));
/** Spaces, brackets and case do not make a different document: "A123456(7)" is "A1234567". */
const normalise = (number: string) => number.toUpperCase().replace(/[\s()\-]/g, '');

export function documentLookup(secret: string, type: DocumentType, number: string): string {
  return createHmac('sha256', keyFor(secret, 'lookup')).update(`${type}:${normalise(number)}`).digest('base64url');
}

export function encryptDocument(secret: string, number: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret, 'encryption'), iv);
  const data = Buffer.concat([cipher.update(normalise(number), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

export function decryptDocument(secret: string, sealed: string): string {
  const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', keyFor(secret, 'encryption'), iv!);
  decipher.setAuthTag(tag!);
  return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
}

export interface ProofingInput { email: string; documentType: DocumentType; documentNumber: string }

/**
 * A help-desk officer has checked the person's identity document: the account becomes iAM Smart+. One document,
 * one account. The audit entry names the document type, never its number.
 */
export async function proofIdentity(db: Db, secret: string, ctx: RequestContext, input: ProofingInput): Promise<{ citizenId: string }> {
  const officer = requireRole(ctx.actor, 'officer');
  const number = normalise(input.documentNumber);
  if (!/^[A-Z0-9]{6,20}$/.test(number)) throw invalidInput([{ field: 'documentNumber', reason: 'Enter the document number as printed (letters and digits)' }]);
  if (input.documentType === 'hkid' && !/^[A-Z]{1,2}[0-9]{6}[0-9A]$/.test(number)) throw invalidInput([{ field: 'documentNumber', reason: 'An HKID number looks like A123456(7)' }]);
  const lookup = documentLookup(secret, input.documentType, number);
  return db.transaction().execute(async (trx) => {
    const contact = parseContact(input.email);
    const citizen = contact ? await store.citizenByIdentifier(trx, contact.identifier) : undefined;
    if (!citizen || citizen.disabled_at) throw notFound('The iAM Smart account');
    const holder = await store.citizenByDocument(trx, lookup);
    if (holder && holder.id !== citizen.id) throw conflict('This document is already linked to another iAM Smart account.');
    await store.recordProofing(trx, citizen.id, { document_type: input.documentType, document_ciphertext: encryptDocument(secret, number), document_lookup: lookup, proofed_by: officer.id });
    await recordAudit(trx, ctx, { action: 'citizen.identity_proofed', recordType: 'citizen', recordId: citizen.id, detail: { documentType: input.documentType } });
    return { citizenId: citizen.id };
  });
}
