import type { Organisation } from '../organisations/index.ts';
import { categoryById, licenceById } from './catalogue.ts';
import { downloadUrl } from './ckan/present.ts';
import type { DatasetRow, ResourceRow } from './store.ts';

// The catalogue as DCAT (W3C Data Catalog Vocabulary v2) for harvesting by other catalogues: JSON-LD nodes,
// and the same nodes written as Turtle. Paging follows Hydra, as CKAN's DCAT extension does.

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/', foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#', xsd: 'http://www.w3.org/2001/XMLSchema#', hydra: 'http://www.w3.org/ns/hydra/core#',
};

type Literal = string | { '@value': string; '@language'?: string; '@type'?: string };
export interface Node { '@id': string; '@type': string; [property: string]: Literal | Node | { '@id': string } | (Literal | Node | { '@id': string })[] | number | undefined }

const lang = (value: string, language: string) => ({ '@value': value, '@language': language });
const date = (d: Date) => ({ '@value': d.toISOString(), '@type': 'xsd:dateTime' });

export function datasetNode(baseUrl: string, d: DatasetRow, resources: ResourceRow[], organisation: Organisation | undefined): Node {
  const licence = licenceById(d.licence);
  const category = categoryById(d.category);
  return {
    '@id': `${baseUrl}/opendata/datasets/${d.name}`, '@type': 'dcat:Dataset',
    'dct:identifier': d.id,
    'dct:title': [lang(d.title_en, 'en'), lang(d.title_zh_hk, 'zh-HK'), lang(d.title_zh_cn, 'zh-CN')],
    'dct:description': [lang(d.notes_en, 'en'), lang(d.notes_zh_hk, 'zh-HK'), lang(d.notes_zh_cn, 'zh-CN')],
    'dct:issued': date(d.created_at), 'dct:modified': date(d.modified_at),
    'dcat:keyword': d.tags,
    ...(category ? { 'dcat:theme': { '@id': `${baseUrl}/opendata?category=${category.id}` } } : {}),
    ...(organisation ? { 'dct:publisher': { '@id': `${baseUrl}/opendata?organisation=${organisation.code.toLowerCase()}`, '@type': 'foaf:Organization', 'foaf:name': [lang(organisation.name.en, 'en'), lang(organisation.name['zh-HK'], 'zh-HK')] } } : {}),
    ...(d.contact_email ? { 'dcat:contactPoint': { '@id': `mailto:${d.contact_email}`, '@type': 'vcard:Kind', 'vcard:hasEmail': { '@id': `mailto:${d.contact_email}` } } } : {}),
    'dcat:distribution': resources.map((r) => ({
      '@id': `${baseUrl}/opendata/datasets/${d.name}#resource-${r.id}`, '@type': 'dcat:Distribution',
      'dct:title': [lang(r.name_en, 'en'), lang(r.name_zh_hk, 'zh-HK')], 'dct:format': r.format,
      ...(r.file_key ? { 'dcat:downloadURL': { '@id': downloadUrl(baseUrl, r) }, 'dcat:byteSize': r.size ?? 0 } : { 'dcat:accessURL': { '@id': r.external_url ?? '' } }),
      ...(r.media_type ? { 'dcat:mediaType': r.media_type.split(';')[0]! } : {}),
      ...(licence ? { 'dct:license': { '@id': licence.url } } : {}),
      'dct:modified': date(r.modified_at),
    })),
  };
}

const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const iri = (value: string) => (/^[a-z]+:[^/]/.test(value) && !value.startsWith('mailto:') && !value.startsWith('http') ? value : `<${value.replace(/[<>"{}|^`\\\s]/g, encodeURIComponent)}>`);

function term(value: unknown, out: string[]): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `"${escape(value)}"`;
  const v = value as Record<string, unknown>;
  if ('@value' in v) return `"${escape(String(v['@value']))}"${v['@language'] ? `@${v['@language']}` : v['@type'] ? `^^${v['@type']}` : ''}`;
  if (Object.keys(v).length > 1) writeNode(v as Node, out);
  return iri(String(v['@id']));
}

function writeNode(node: Node, out: string[]): void {
  const lines: string[] = [`a ${node['@type']}`];
  for (const [property, value] of Object.entries(node)) {
    if (property.startsWith('@') || value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.length) lines.push(`${property} ${values.map((v) => term(v, out)).join(', ')}`);
  }
  out.push(`${iri(node['@id'])} ${lines.join(' ;\n  ')} .\n`);
}

export function toTurtle(nodes: Node[]): string {
  const out: string[] = Object.entries(DCAT_CONTEXT).map(([prefix, uri]) => `@prefix ${prefix}: <${uri}> .`);
  out.push('');
  for (const node of nodes) writeNode(node, out);
  return out.join('\n');
}
