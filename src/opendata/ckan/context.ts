import type { Db } from '../../platform/db/database.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { listOrganisations, type Organisation } from '../../organisations/index.ts';
import type { Params } from './params.ts';
import type { Presenter } from './present.ts';
import type { PresentedDatasets } from './presented.ts';

/** What every action gets: the database, its parameters, the language the metadata is asked in, and presented datasets kept (unless caches are off). */
export interface ActionContext { db: Db; params: Params; locale: Locale; baseUrl: string; presented?: PresentedDatasets | undefined }
export type Action = (ctx: ActionContext) => Promise<unknown>;

// Organisations are few (about a hundred) and change rarely, while every API call names them: they are kept in
// memory for a short while. A call that needs one the copy lacks (a new organisation) reloads it at once, so only
// a renamed organisation can show its old name, for at most CACHE_MS.
const CACHE_MS = 30_000;
let cache: { db: Db; at: number; list: Organisation[] } | undefined;

async function organisations(db: Db, need: { ids?: string[]; names?: string[] }): Promise<Organisation[]> {
  const fresh = cache && cache.db === db && Date.now() - cache.at < CACHE_MS ? cache.list : undefined;
  if (fresh && holds(lookupsOf(fresh), need)) return fresh;
  const list = await listOrganisations(db);
  cache = { db, at: Date.now(), list };
  return list;
}

/** Whether a copy knows every organisation asked for, by id or by CKAN name (`td` or `hk-td`, any case). */
function holds(copy: Lookups, need: { ids?: string[]; names?: string[] }): boolean {
  for (const id of need.ids ?? []) if (!copy.organisations.has(id)) return false;
  for (const name of need.names ?? []) if (!copy.byName.has(name.toLowerCase())) return false;
  return true;
}

export type FullPresenter = Presenter & { byName: Map<string, Organisation> };

interface Lookups extends Pick<FullPresenter, 'organisations' | 'byName'> { presenters: Map<string, FullPresenter> }

// The look-ups, and a presenter for each language, are made once per organisations copy, not on every call.
const lookups = new WeakMap<Organisation[], Lookups>();
function lookupsOf(list: Organisation[]): Lookups {
  let found = lookups.get(list);
  if (!found) {
    found = {
      organisations: new Map(list.map((o) => [o.id, o])),
      byName: new Map(list.flatMap((o) => [[o.code.toLowerCase(), o], [`hk-${o.code.toLowerCase()}`, o]] as [string, Organisation][])),
      presenters: new Map(),
    };
    lookups.set(list, found);
  }
  return found;
}

/** A presenter that knows the organisations by id and by CKAN name (the code in lowercase). */
export async function presenterFor(ctx: ActionContext, need: { ids?: string[]; names?: string[] } = {}): Promise<FullPresenter> {
  const list = await organisations(ctx.db, need);
  // Presented datasets name their organisation: they are kept only as long as this copy of the organisations.
  ctx.presented?.presentedWith(list);
  const { organisations: byId, byName, presenters } = lookupsOf(list);
  const key = `${ctx.locale} ${ctx.baseUrl}`;
  let presenter = presenters.get(key);
  if (!presenter) presenters.set(key, (presenter = { locale: ctx.locale, baseUrl: ctx.baseUrl, organisations: byId, byName }));
  return presenter;
}
