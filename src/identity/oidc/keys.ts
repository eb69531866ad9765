import { sql } from 'kysely';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, type JWK } from 'jose';
import type { Db } from '../../platform/db/database.ts';
import * as store from './store.ts';

const KEY_LOCK = 727_301; // pg_advisory_xact_lock: two processes starting together create one key, not two

async function newKey(): Promise<{ kid: string; jwk: JWK }> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

/** The signing keys, newest first (the newest signs; older ones still verify). Generates the first on first start. */
export async function signingKeys(db: Db): Promise<JWK[]> {
  let rows = await store.activeKeys(db);
  if (rows.length === 0) {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${KEY_LOCK})`.execute(trx);
      if ((await store.activeKeys(trx)).length > 0) return;
      const key = await newKey();
      await store.insertKey(trx, key.kid, key.jwk as Record<string, unknown>);
    });
    rows = await store.activeKeys(db);
  }
  return rows.map((r) => r.jwk as JWK);
}

/**
 * Rotation: a new key is added and signs from the next start of each process; keys older than `retireBefore`
 * stop being published (give relying parties at least a day between the two steps to refresh their JWKS cache).
 */
export async function rotateSigningKeys(db: Db, retireBefore?: Date): Promise<string> {
  const key = await newKey();
  await db.transaction().execute(async (trx) => {
    await store.insertKey(trx, key.kid, key.jwk as Record<string, unknown>);
    if (retireBefore) await store.retireKeysBefore(trx, retireBefore);
  });
  return key.kid;
}
