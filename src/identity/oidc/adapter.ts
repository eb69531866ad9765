import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../platform/db/database.ts';
import * as store from './store.ts';

/**
 * oidc-provider's storage port on PostgreSQL: every model (sessions, interactions, codes, tokens, grants, clients)
 * in `oidc_models`, so several processes share them and nothing is lost on restart.
 */
export function postgresAdapter(db: Db) {
  return class PostgresAdapter implements Adapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await store.upsertModel(db, {
        kind: this.kind, id, payload: payload as Record<string, unknown>,
        grant_id: payload.grantId ?? null, user_code: payload.userCode ?? null, uid: payload.uid ?? null,
        expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null, consumed_at: null,
      });
    }

    private async load(by: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      // Identifiers come from requests: one PostgreSQL text cannot hold (NUL) is simply not found, not an error.
      if (value.includes('\u0000') || value.length > 512) return undefined;
      const row = await store.findModel(db, this.kind, by, value);
      if (!row) return undefined;
      // `consumed` is how the library recognises a replayed authorization code or rotated refresh token.
      return { ...(row.payload as AdapterPayload), ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}) };
    }

    find(id: string) { return this.load('id', id); }
    findByUid(uid: string) { return this.load('uid', uid); }
    findByUserCode(userCode: string) { return this.load('user_code', userCode); }
    async consume(id: string): Promise<void> { await store.consumeModel(db, this.kind, id); }
    async destroy(id: string): Promise<void> { await store.destroyModel(db, this.kind, id); }
    async revokeByGrantId(grantId: string): Promise<void> { await store.destroyKindByGrant(db, this.kind, grantId); }
  };
}
