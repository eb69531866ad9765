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
  const has = (list: Organisation[]) =>
    (need.ids ?? []).every((id) => list.some((o) => o.id === id)) && (need.names ?? []).every((n) => list.some((o) => o.code.toLowerCase() === n));
  if (fresh && has(fresh)) return fresh;
  const list = await listOrganisations(db);
  cache = { db, at: Date.now(), list };
  return list;
}

export type FullPresenter = Presenter & { byName: Map<string, Organisation> };

// The look-ups are made once per organisations copy, not on every call.
const lookups = new WeakMap<Organisation[], Pick<FullPresenter, 'organisations' | 'byName'>>();
function lookupsOf(list: Organisation[]): Pick<FullPresenter, 'organisations' | 'byName'> {
  let found = lookups.get(list);
  if (!found) {
    found = {
      organisations: new Map(list.map((o) => [o.id, o])),
      byName: new Map(list.flatMap((o) => [[o.code.toLowerCase(), o], [`hk-${o.code.toLowerCase()}`, o]] as [string, Organisation][])),
    };
    lookups.set(list, found);
  }
  return found;
}

/** A presenter that knows the organisations by id and by CKAN name (the code in lowercase). */
export async function presenterFor(ctx: ActionContext, need: { ids?: string[]; names?: string[] } = {}): Promise<FullPresenter> {
  const list = await organisations(ctx.db, { ...need, names: need.names?.map((n) => n.toLowerCase().replace(/^hk-/, '')) });
  // Presented datasets name their organisation: they are kept only as long as this copy of the organisations.
  ctx.presented?.presentedWith(list);
  return { locale: ctx.locale, baseUrl: ctx.baseUrl, ...lookupsOf(list) };
}
