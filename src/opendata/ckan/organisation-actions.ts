import { sql } from 'kysely';
import { CATEGORIES, categoryById, LICENCES } from '../catalogue.ts';
import * as store from '../store.ts';
import { presenterFor, type Action, type ActionContext } from './context.ts';
import { ckanNotFound } from './errors.ts';
import { bool, required } from './params.ts';
import { presentGroup, presentOrganisation, presentPackage } from './present.ts';

const countsBy = async (ctx: ActionContext, column: 'organisation_id' | 'category') =>
  new Map((await sql<{ key: string; n: number }>`SELECT ${sql.ref(column)}::text AS key, count(*)::int AS n FROM opendata_datasets GROUP BY 1`.execute(ctx.db)).rows.map((r) => [r.key, r.n]));

/** A few datasets with their resources, as `organization_show`/`group_show` give them with include_datasets. */
async function packagesWhere(ctx: ActionContext, column: 'organisation_id' | 'category', value: string) {
  const datasets = await ctx.db.selectFrom('opendata_datasets').selectAll().where(column, '=', value).orderBy('modified_at', 'desc').limit(10).execute();
  const resources = Map.groupBy(await store.resourcesOf(ctx.db, datasets.map((d) => d.id)), (r) => r.dataset_id);
  const p = await presenterFor(ctx);
  return datasets.map((d) => presentPackage(p, d, resources.get(d.id) ?? []));
}

export const organizationList: Action = async (ctx) => {
  const [p, counts] = await Promise.all([presenterFor(ctx), countsBy(ctx, 'organisation_id')]);
  const organisations = [...p.organisations.values()].sort((a, b) => a.code.localeCompare(b.code));
  if (!bool(ctx.params, 'all_fields', false)) return organisations.map((o) => o.code.toLowerCase());
  return organisations.map((o) => presentOrganisation(p, o, counts.get(o.id) ?? 0));
};

export const organizationShow: Action = async (ctx) => {
  const id = required(ctx.params, 'id').toLowerCase();
  const p = await presenterFor(ctx);
  const organisation = p.byName.get(id) ?? p.organisations.get(id);
  if (!organisation) throw ckanNotFound();
  const counts = await countsBy(ctx, 'organisation_id');
  const shown = presentOrganisation(p, organisation, counts.get(organisation.id) ?? 0);
  return bool(ctx.params, 'include_datasets', false) ? { ...shown, packages: await packagesWhere(ctx, 'organisation_id', organisation.id) } : shown;
};

export const groupList: Action = async (ctx) => {
  if (!bool(ctx.params, 'all_fields', false)) return CATEGORIES.map((c) => c.id);
  const counts = await countsBy(ctx, 'category');
  const p = { locale: ctx.locale, baseUrl: ctx.baseUrl, organisations: new Map() };
  return CATEGORIES.map((c) => presentGroup(p, c, counts.get(c.id) ?? 0));
};

export const groupShow: Action = async (ctx) => {
  const category = categoryById(required(ctx.params, 'id'));
  if (!category) throw ckanNotFound();
  const counts = await countsBy(ctx, 'category');
  const shown = presentGroup({ locale: ctx.locale, baseUrl: ctx.baseUrl, organisations: new Map() }, category, counts.get(category.id) ?? 0);
  return bool(ctx.params, 'include_datasets', false) ? { ...shown, packages: await packagesWhere(ctx, 'category', category.id) } : shown;
};

export const licenseList: Action = async () => LICENCES.map((l) => ({ id: l.id, title: l.title, url: l.url, status: 'active', od_conformance: 'approved', osd_conformance: 'not reviewed', domain_data: true, domain_content: false, domain_software: false }));

export const statusShow: Action = async (ctx) => ({
  site_title: 'smartgov Open Data Portal', site_url: ctx.baseUrl, site_description: 'Machine-readable datasets of government bureaux and departments',
  ckan_version: '2.10.4', error_emails_to: null, locale_default: 'en', extensions: ['datastore'],
});
