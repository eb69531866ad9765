import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { notFound } from '../platform/errors.ts';
import { requireCitizen } from '../platform/access.ts';
import * as store from './oidc/store.ts';

export interface ConnectedService { clientId: string; scopes: string[]; claims: string[]; grantedAt: Date }

/** Remembers what the citizen agreed to share with a service, so the next sign-in there asks no more. */
export async function recordConsent(db: Db, ctx: RequestContext, input: { clientId: string; grantId: string; scopes: string[]; claims: string[] }): Promise<void> {
  const actor = requireCitizen(ctx.actor);
  await db.transaction().execute(async (trx) => {
    const previous = await store.grantFor(trx, actor.id, input.clientId);
    const scopes = [...new Set([...(previous?.grant_id === input.grantId ? previous.scopes : []), ...input.scopes])];
    const claims = [...new Set([...(previous?.grant_id === input.grantId ? previous.claims : []), ...input.claims])];
    await store.saveGrant(trx, { citizen_id: actor.id, client_id: input.clientId, grant_id: input.grantId, scopes, claims, granted_at: new Date() });
    await recordAudit(trx, ctx, { action: 'citizen.consent_given', recordType: 'oidc_client', recordId: input.clientId, detail: { scopes: input.scopes, claims: input.claims } });
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
    const grant = await store.grantFor(trx, actor.id, clientId);
    if (!grant) throw notFound('The connected service');
    await store.deleteGrant(trx, actor.id, clientId);
    await store.destroyByGrant(trx, grant.grant_id);
    await recordAudit(trx, ctx, { action: 'citizen.consent_withdrawn', recordType: 'oidc_client', recordId: clientId });
  });
}
