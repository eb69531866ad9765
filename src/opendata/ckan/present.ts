import type { Locale } from '../../platform/i18n/index.ts';
import type { Organisation } from '../../organisations/index.ts';
import { toSimplified } from '../../platform/i18n/index.ts';
import { categoryById, CATEGORIES, licenceById, type Category } from '../catalogue.ts';
import type { DatasetRow, ResourceRow } from '../store.ts';

// Datasets, resources, organisations and categories in the shapes CKAN 2.x returns, in the asked language.

export interface Presenter { locale: Locale; baseUrl: string; organisations: Map<string, Organisation> }

const pick = (locale: Locale, en: string, hk: string, cn: string) => (locale === 'en' ? en : locale === 'zh-HK' ? hk : cn);
const iso = (date: Date) => date.toISOString().replace('Z', '');

export const downloadUrl = (baseUrl: string, resource: Pick<ResourceRow, 'id' | 'file_name'>) =>
  `${baseUrl}/opendata/download/${resource.id}/${encodeURIComponent(resource.file_name ?? 'file')}`;

export function presentResource(p: Presenter, r: ResourceRow) {
  return {
    id: r.id, package_id: r.dataset_id, position: r.position, state: 'active',
    name: pick(p.locale, r.name_en, r.name_zh_hk, r.name_zh_cn), description: '',
    format: r.format, mimetype: r.media_type?.split(';')[0] ?? null, mimetype_inner: null,
    url: r.external_url ?? downloadUrl(p.baseUrl, r), url_type: r.file_key ? 'upload' : null,
    size: r.size, hash: r.sha256 ? `sha256:${r.sha256}` : '', resource_type: r.file_key ? 'file.upload' : 'api',
    datastore_active: r.fields !== null, created: iso(r.created_at), last_modified: iso(r.modified_at), metadata_modified: iso(r.modified_at),
    cache_url: null, cache_last_updated: null,
  };
}

export function presentOrganisation(p: Presenter, o: Organisation | undefined, packageCount?: number) {
  if (!o) return null;
  return {
    id: o.id, name: o.code.toLowerCase(), title: o.name[p.locale], display_name: o.name[p.locale], description: '', image_url: '',
    type: 'organization', is_organization: true, state: 'active', approval_status: 'approved', created: null,
    ...(packageCount === undefined ? {} : { package_count: packageCount }),
  };
}

// Converted once: OpenCC took a tenth of a search's time converting the same few titles for every dataset.
const simplifiedTitles = new Map<string, string>();
const simplifiedTitle = (c: Category) => simplifiedTitles.get(c.id) ?? simplifiedTitles.set(c.id, toSimplified(c.hk)).get(c.id)!;

export function presentGroup(p: Presenter, c: Category, packageCount?: number) {
  const title = p.locale === 'zh-CN' ? simplifiedTitle(c) : pick(p.locale, c.en, c.hk, '');
  return {
    id: c.id, name: c.id, title, display_name: title, description: '', image_display_url: '', image_url: '',
    type: 'group', is_organization: false, state: 'active', approval_status: 'approved',
    ...(packageCount === undefined ? {} : { package_count: packageCount }),
  };
}

export const categoryGroups = () => CATEGORIES;

export function presentPackage(p: Presenter, d: DatasetRow, resources: ResourceRow[]) {
  const licence = licenceById(d.licence);
  const category = categoryById(d.category);
  return {
    id: d.id, name: d.name, type: 'dataset', state: 'active', private: false, isopen: licence !== undefined,
    title: pick(p.locale, d.title_en, d.title_zh_hk, d.title_zh_cn), notes: pick(p.locale, d.notes_en, d.notes_zh_hk, d.notes_zh_cn),
    license_id: d.licence, license_title: licence?.title ?? d.licence, license_url: licence?.url ?? '',
    author: null, author_email: null, maintainer: null, maintainer_email: d.contact_email || null, url: '', version: null,
    owner_org: d.organisation_id, organization: presentOrganisation(p, p.organisations.get(d.organisation_id)),
    metadata_created: iso(d.created_at), metadata_modified: iso(d.modified_at),
    num_resources: resources.length, num_tags: d.tags.length,
    resources: resources.map((r) => presentResource(p, r)),
    tags: d.tags.map((t) => ({ id: t, name: t, display_name: t, state: 'active', vocabulary_id: null })),
    groups: category ? [presentGroup(p, category)] : [],
    extras: [
      { key: 'update_frequency', value: d.update_frequency },
      { key: 'data_dictionary', value: d.data_dictionary_url },
      { key: 'spatial', value: String(d.spatial) },
    ],
    relationships_as_subject: [], relationships_as_object: [],
  };
}
export type CkanPackage = ReturnType<typeof presentPackage>;
