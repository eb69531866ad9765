import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Queryable } from '../platform/db/database.ts';
import * as store from './store.ts';

// Documents are signed with Ed25519 keys kept in the database (so every process signs alike), the private half
// sealed with a key derived from SESSION_SECRET. Verification needs only the public keys.

const sealingKey = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'smartgov-wallet', 'signing-key-seal', 32));

function seal(secret: string, jwk: JWK): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(jwk)), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

function unseal(secret: string, sealed: string): JWK {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(secret), iv!);
  decipher.setAuthTag(tag!);
  return JSON.parse(Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8')) as JWK;
}

async function signingKey(db: Queryable, secret: string): Promise<{ kid: string; jwk: JWK }> {
  let row = await store.activeKey(db);
  if (!row) {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const kid = `wallet-${randomBytes(6).toString('hex')}`;
    await store.insertKey(db, { kid, public_jwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }), private_jwk_sealed: seal(secret, await exportJWK(privateKey)), retired_at: null });
    row = (await store.activeKey(db))!;
  }
  return { kid: row.kid, jwk: unseal(secret, row.private_jwk_sealed) };
}

export async function signDocument(db: Queryable, secret: string, content: Record<string, unknown>): Promise<string> {
  const { kid, jwk } = await signingKey(db, secret);
  const key = await importJWK(jwk, 'EdDSA');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(content))).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'smartgov-document+jws' }).sign(key);
}

/** The public keys, as a JWKS that anyone can use to check a document offline. */
export async function publicKeys(db: Queryable): Promise<{ keys: JWK[] }> {
  return { keys: (await store.allKeys(db)).map((k) => k.public_jwk as JWK) };
}

/** The signed content, if the signature is good under one of our keys. */
export async function verifySignature(db: Queryable, jws: string): Promise<Record<string, unknown> | undefined> {
  const keys = await publicKeys(db);
  try {
    const { payload } = await compactVerify(jws, async (header) => {
      const jwk = keys.keys.find((k) => k.kid === header.kid);
      if (!jwk) throw new Error('unknown key');
      return importJWK(jwk, 'EdDSA');
    });
    return JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
