import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Config } from '../platform/config.ts';
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

/** The keys a document may be sealed with, the current one (which seals) first. */
export type DocumentKeys = readonly [current: string, ...previous: string[]];

/**
 * IDENTITY_KEY, then SESSION_SECRET: documents proofed before IDENTITY_KEY was set were sealed with a key derived
 * from SESSION_SECRET, and stay readable and found until `smartgov identity rekey` re-seals them.
 */
export function documentKeys(config: Pick<Config, 'IDENTITY_KEY' | 'SESSION_SECRET'>): DocumentKeys {
  return config.IDENTITY_KEY === config.SESSION_SECRET ? [config.IDENTITY_KEY] : [config.IDENTITY_KEY, config.SESSION_SECRET];
}

/** The number, and whether it was sealed with the current key; undefined if no key opens it (AES-GCM's tag check). */
export function openDocument(keys: DocumentKeys, sealed: string): { number: string; sealedWithCurrentKey: boolean } | undefined {
  for (const [index, key] of keys.entries()) {
    try {
      return { number: decryptDocument(key, sealed), sealedWithCurrentKey: index === 0 };
    } catch {
      // Sealed with another key (or damaged): try the next one.
    }
  }
  return undefined;
}

export interface ProofingInput { email: string; documentType: DocumentType; documentNumber: string }

/**
 * A help-desk officer has checked the person's identity document: the account becomes iAM Smart+. One document,
 * one account. The audit entry names the document type, never its number.
 */
export async function proofIdentity(db: Db, keys: DocumentKeys, ctx: RequestContext, input: ProofingInput): Promise<{ citizenId: string }> {
  const officer = requireRole(ctx.actor, 'officer');
  const number = normalise(input.documentNumber);
  if (!/^[A-Z0-9]{6,20}$/.test(number)) throw invalidInput([{ field: 'documentNumber', reason: 'Enter the document number as printed (letters and digits)' }]);
  if (input.documentType === 'hkid' && !/^[A-Z]{1,2}[0-9]{6}[0-9A]$/.test(number)) throw invalidInput([{ field: 'documentNumber', reason: 'An HKID number looks like A123456(7)' }]);
  // The same document sealed under a previous key has that key's look-up hash.
  const lookups = keys.map((key) => documentLookup(key, input.documentType, number));
  return db.transaction().execute(async (trx) => {
    const contact = parseContact(input.email);
    const citizen = contact ? await store.citizenByIdentifier(trx, contact.identifier) : undefined;
    if (!citizen || citizen.disabled_at) throw notFound('The iAM Smart account');
    for (const lookup of lookups) {
      const holder = await store.citizenByDocument(trx, lookup);
      if (holder && holder.id !== citizen.id) throw conflict('This document is already linked to another iAM Smart account.');
    }
    await store.recordProofing(trx, citizen.id, { document_type: input.documentType, document_ciphertext: encryptDocument(keys[0], number), document_lookup: lookups[0]!, proofed_by: officer.id });
    await recordAudit(trx, ctx, { action: 'citizen.identity_proofed', recordType: 'citizen', recordId: citizen.id, detail: { documentType: input.documentType } });
    return { citizenId: citizen.id };
  });
}
