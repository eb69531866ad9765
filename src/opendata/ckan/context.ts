import type { Db } from '../../platform/db/database.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { listOrganisations, type Organisation } from '../../organisations/index.ts';
import type { Params } from './params.ts';
import type { Presenter } from './present.ts';

/** What every action gets: the database, its parameters and the language the metadata is asked in. */
export interface ActionContext { db: Db; params: Params; locale: Locale; baseUrl: string }
export type Action = (ctx: ActionContext) => Promise<unknown>;

/** Organisations are few (about a hundred): one query gives them all, by id and by CKAN name (the code in lowercase). */
export async function presenterFor(ctx: ActionContext): Promise<Presenter & { byName: Map<string, Organisation> }> {
  const organisations = await listOrganisations(ctx.db);
  return {
    locale: ctx.locale, baseUrl: ctx.baseUrl,
    organisations: new Map(organisations.map((o) => [o.id, o])),
    byName: new Map(organisations.map((o) => [o.code.toLowerCase(), o])),
  };
}
