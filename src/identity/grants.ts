import type { Db, Trx } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { notFound } from '../platform/errors.ts';
import { requireCitizen } from '../platform/access.ts';
import * as store from './oidc/store.ts';

export interface ConnectedService { clientId: string; scopes: string[]; claims: string[]; grantedAt: Date }

/**
 * Remembers what the citizen agreed to share with a service, so the next sign-in there asks no more. A citizen has one
 * grant per service: `saveGrant` adds the consent to the remembered grant (its id, if any) and returns the id it saved,
 * in this transaction. Consents of the same citizen to the same service (two tabs) take turns, so the second adds to
 * the first's grant instead of making one that the remembered row would forget, and that withdrawing would leave live.
 */
export async function recordConsent(db: Db, ctx: RequestContext, input: { clientId: string; scopes: string[]; claims: string[] },
  saveGrant: (trx: Trx, remembered: string | undefined) => Promise<string>): Promise<string> {
  const actor = requireCitizen(ctx.actor);
  return db.transaction().execute(async (trx) => {
    await store.lockConsent(trx, actor.id, input.clientId);
    const previous = await store.grantFor(trx, actor.id, input.clientId);
    const grantId = await saveGrant(trx, previous?.grant_id);
    const scopes = [...new Set([...(previous?.grant_id === grantId ? previous.scopes : []), ...input.scopes])];
    const claims = [...new Set([...(previous?.grant_id === grantId ? previous.claims : []), ...input.claims])];
    await store.saveGrant(trx, { citizen_id: actor.id, client_id: input.clientId, grant_id: grantId, scopes, claims, granted_at: new Date() });
    await recordAudit(trx, ctx, { action: 'citizen.consent_given', recordType: 'oidc_client', recordId: input.clientId, detail: { scopes: input.scopes, claims: input.claims } });
    return grantId;
  });
}

export async function listConnectedServices(db: Db, ctx: RequestContext): Promise<ConnectedService[]> {
  const actor = requireCitizen(ctx.actor);
  return (await store.grantsOf(db, actor.id)).map((g) => ({ clientId: g.client_id, scopes: g.scopes, claims: g.claims, grantedAt: g.granted_at }));
}

/** Withdraws a grant: the tokens issued under it stop working and the service must ask again. */
export async function withdrawGrant(db: Db, ctx: RequestContext, clientId: string): Promise<void> {
  const actor = requireCitizen(ctx.actor);
  await db.transaction().execute(async (trx) => {
    await store.lockConsent(trx, actor.id, clientId);
    const grant = await store.grantFor(trx, actor.id, clientId);
    if (!grant) throw notFound('The connected service');
    await store.deleteGrant(trx, actor.id, clientId);
    await store.destroyByGrant(trx, grant.grant_id);
    await recordAudit(trx, ctx, { action: 'citizen.consent_withdrawn', recordType: 'oidc_client', recordId: clientId });
  });
}
