import type { Action } from './context.ts';
import { datastoreSearch } from './datastore.ts';
import { groupList, groupShow, licenseList, organizationList, organizationShow, statusShow } from './organisation-actions.ts';
import { packageList, packageSearch, packageShow, resourceShow, tagList } from './package-actions.ts';

/** The CKAN Action API v3 actions this portal answers, each with the one line help_show gives. */
export const ACTIONS: Record<string, { run: Action; help: string }> = {
  package_list: { run: packageList, help: 'Return a list of the names of the site\'s datasets (packages). Parameters: limit, offset.' },
  package_show: { run: packageShow, help: 'Return the metadata of a dataset (package) and its resources. Parameters: id (id or name).' },
  package_search: { run: packageSearch, help: 'Search for datasets. Parameters: q, fq (organization:, groups:, tags:, res_format:, license_id:), sort, rows (default 10, at most 1000), start, facet.field, facet.limit.' },
  resource_show: { run: resourceShow, help: 'Return the metadata of a resource. Parameters: id.' },
  tag_list: { run: tagList, help: 'Return a list of the site\'s tags. Parameters: query.' },
  organization_list: { run: organizationList, help: 'Return a list of the names of the site\'s organizations. Parameters: all_fields.' },
  organization_show: { run: organizationShow, help: 'Return the details of an organization. Parameters: id, include_datasets.' },
  group_list: { run: groupList, help: 'Return a list of the names of the site\'s groups (the portal\'s categories). Parameters: all_fields.' },
  group_show: { run: groupShow, help: 'Return the details of a group (category). Parameters: id, include_datasets.' },
  license_list: { run: licenseList, help: 'Return the list of licenses available for datasets on the site.' },
  status_show: { run: statusShow, help: 'Return a dictionary with information about the site\'s configuration.' },
  datastore_search: { run: datastoreSearch, help: 'Search a DataStore resource. Parameters: resource_id, filters, q, fields, sort, limit (default 100), offset.' },
};

/** CKAN write actions: publishing happens in the staff console, so through this API they are refused as CKAN refuses them. */
export const WRITE_ACTIONS = new Set([
  'package_create', 'package_update', 'package_patch', 'package_delete', 'resource_create', 'resource_update', 'resource_patch', 'resource_delete',
  'organization_create', 'organization_update', 'organization_delete', 'group_create', 'group_update', 'group_delete',
  'datastore_create', 'datastore_upsert', 'datastore_delete', 'member_create', 'member_delete', 'user_create', 'user_update',
]);
