import { AsyncLocalStorage } from 'node:async_hooks';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Db, Queryable, Trx } from '../../platform/db/database.ts';
import * as store from './store.ts';
import { modelKey, readAhead, requestThrottle } from './read-ahead.ts';

const transaction = new AsyncLocalStorage<Trx>();

/**
 * Runs `work` with the provider's models read and written in `trx`: what the library saves then commits (or not)
 * with the caller's own changes, e.g. a grant with the consent that remembers it.
 */
export const inTransaction = <T>(trx: Trx, work: () => Promise<T>): Promise<T> => transaction.run(trx, work);

/**
 * oidc-provider's storage port on PostgreSQL: every model (sessions, interactions, codes, tokens, grants, clients)
 * in `oidc_models`, so several processes share them and nothing is lost on restart.
 */
export function postgresAdapter(db: Db) {
  const clients = clientCache();
  const on = (): Queryable => transaction.getStore() ?? db;
  return class PostgresAdapter implements Adapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await requestThrottle.get()?.beforeDatabase();
      readAhead.forgetAll();
      if (this.kind === 'Client') clients.forget(id);
      await store.upsertModel(on(), {
        kind: this.kind, id, payload: payload as Record<string, unknown>,
        grant_id: payload.grantId ?? null, user_code: payload.userCode ?? null, uid: payload.uid ?? null,
        expires_at: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null, consumed_at: null,
      });
    }

    private async load(by: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      // Identifiers come from requests: one PostgreSQL text cannot hold (NUL) is simply not found, not an error.
      if (value.includes('\u0000') || value.length > 512) return undefined;
      const ahead = readAhead.take<AdapterPayload>(modelKey(this.kind, by, value));
      if (ahead.found) return ahead.payload;
      if (by === 'id' && TOKENS.has(this.kind)) return this.loadToken(value);
      await requestThrottle.get()?.beforeDatabase();
      return payloadOf(await store.findModel(on(), this.kind, by, value));
    }

    /** A token with its grant, session and account, which the library asks for next (see read-ahead.ts). */
    private async loadToken(id: string): Promise<AdapterPayload | undefined> {
      const gate = requestThrottle.get();
      const row = await store.findTokenBundle(db, this.kind, id, gate?.probe);
      await gate?.afterRead(row?.throttleCounted ?? false);
      if (!row) return undefined;
      const token = payloadOf(row)!;
      if (typeof token.grantId === 'string') readAhead.put(modelKey('Grant', 'id', token.grantId), payloadOf(row.grant));
      if (typeof token.sessionUid === 'string') readAhead.put(modelKey('Session', 'uid', token.sessionUid), payloadOf(row.session));
      if (typeof token.accountId === 'string') readAhead.put(accountKey(token.accountId), row.account ?? undefined);
      return token;
    }

    find(id: string) { return this.kind === 'Client' ? clients.get(id, () => this.load('id', id)) : this.load('id', id); }
    findByUid(uid: string) { return this.load('uid', uid); }
    findByUserCode(userCode: string) { return this.load('user_code', userCode); }
    async consume(id: string): Promise<void> {
      await requestThrottle.get()?.beforeDatabase();
      readAhead.forgetAll();
      await store.consumeModel(on(), this.kind, id);
    }
    async destroy(id: string): Promise<void> {
      await requestThrottle.get()?.beforeDatabase();
      readAhead.forgetAll();
      if (this.kind === 'Client') clients.forget(id);
      await store.destroyModel(on(), this.kind, id);
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      await requestThrottle.get()?.beforeDatabase();
      readAhead.forgetAll();
      await store.destroyKindByGrant(on(), this.kind, grantId);
    }
  };
}

const TOKENS = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode']);
/** Where the citizen read with a token waits for the provider's findAccount. */
export const accountKey = (accountId: string) => modelKey('Account', 'id', accountId);

// `consumed` is how the library recognises a replayed authorization code or rotated refresh token.
function payloadOf(row: { payload: unknown; consumed_at: Date | null } | null | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  return { ...(row.payload as AdapterPayload), ...(row.consumed_at ? { consumed: Math.floor(row.consumed_at.getTime() / 1000) } : {}) };
}

const CLIENT_CACHE_MS = 30_000;
const CLIENT_CACHE_SIZE = 2_000;

/**
 * Every token and userinfo request looks its client up. Clients are registered once and not changed afterwards
 * (a change is a new registration), so each process keeps what it read for 30 seconds: at most that long before
 * another process would see a change or a removal. Unknown ids are not cached, so a new client works at once.
 */
function clientCache() {
  const entries = new Map<string, { payload: AdapterPayload; until: number }>();
  return {
    async get(id: string, read: () => Promise<AdapterPayload | undefined>): Promise<AdapterPayload | undefined> {
      const hit = entries.get(id);
      if (hit && hit.until > Date.now()) return hit.payload;
      const payload = await read();
      if (payload) {
        if (entries.size >= CLIENT_CACHE_SIZE) entries.delete(entries.keys().next().value!);
        entries.set(id, { payload, until: Date.now() + CLIENT_CACHE_MS });
      }
      return payload;
    },
    forget(id: string) { entries.delete(id); },
  };
}
