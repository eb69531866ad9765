import { Page, type PageContext } from '../../ui/index.ts';
import type { Organisation } from '../../organisations/index.ts';
import { licenceById } from '../catalogue.ts';
import { openDataMessages } from '../messages.ts';
import type { DatasetRow, ResourceRow, ResourceVersionRow } from '../store.ts';
import { downloadUrl } from '../ckan/present.ts';
import { categoryTitle, formatSize, pick } from './format.ts';
import { archiveTimestamp } from '../archive.ts';
import { MapPreview } from './map.tsx';

export interface DatasetView {
  dataset: DatasetRow;
  organisation: Organisation | undefined;
  resources: ResourceRow[];
  downloads: Map<string, { today: number; total: number }>;
  versions: Map<string, ResourceVersionRow[]>;
}

export function DatasetPage(props: { ctx: PageContext; view: DatasetView }) {
  const { ctx } = props;
  const { dataset: d, resources, downloads } = props.view;
  const t = openDataMessages(ctx.locale);
  const frequency = d.update_frequency ? t(`frequency.${d.update_frequency as 'daily'}`) : '';
  return (
    <Page ctx={ctx} title={pick(ctx.locale, d.title_en, d.title_zh_hk, d.title_zh_cn)}>
      <p><a href="/opendata">{t('portal.title')}</a></p>
      <h1>{pick(ctx.locale, d.title_en, d.title_zh_hk, d.title_zh_cn)}</h1>
      <p>{pick(ctx.locale, d.notes_en, d.notes_zh_hk, d.notes_zh_cn)}</p>
      <dl class="summary-list">
        <dt>{t('dataset.organisation')}</dt><dd>{props.view.organisation?.name[ctx.locale] ?? ''}</dd>
        <dt>{t('dataset.category')}</dt><dd><a href={`/opendata?category=${d.category}`}>{categoryTitle(d.category, ctx.locale)}</a></dd>
        <dt>{t('dataset.licence')}</dt><dd>{licenceById(d.licence)?.title ?? d.licence}</dd>
        <dt>{t('dataset.updated')}</dt><dd><time datetime={d.modified_at.toISOString()}>{d.modified_at.toISOString().slice(0, 10)}</time></dd>
        {frequency ? <><dt>{t('dataset.frequency')}</dt><dd>{frequency}</dd></> : null}
        {d.contact_email ? <><dt>{t('dataset.contact')}</dt><dd><a href={`mailto:${d.contact_email}`}>{d.contact_email}</a></dd></> : null}
        {d.data_dictionary_url ? <><dt>{t('dataset.dictionary')}</dt><dd><a href={d.data_dictionary_url}>{d.data_dictionary_url}</a></dd></> : null}
        {d.tags.length ? <><dt>{t('dataset.tags')}</dt><dd>{d.tags.map((tag) => <span class="tag">{tag}</span>)}</dd></> : null}
      </dl>
      <h2 id="resources-heading">{t('dataset.resources')}</h2>
      <div class="table-wrap" tabindex="0" role="region" aria-labelledby="resources-heading">
        <table>
          <thead><tr><th scope="col">{t('resource.name')}</th><th scope="col">{t('resource.format')}</th><th scope="col">{t('resource.size')}</th><th scope="col">{t('resource.downloads')}</th><th scope="col"><span class="visually-hidden">{t('resource.download')}</span></th></tr></thead>
          <tbody>
            {resources.map((r) => {
              const count = downloads.get(r.id);
              const versions = props.view.versions.get(r.id) ?? [];
              const name = pick(ctx.locale, r.name_en, r.name_zh_hk, r.name_zh_cn);
              return (
                <tr>
                  <td>{name}{versions.length > 1 ? (
                    <details><summary>{t('resource.versions')}</summary><ul>
                      {versions.map((v) => <li><a href={`/v1/historical-archive/get-file?url=${encodeURIComponent(downloadUrl('', r))}&time=${archiveTimestamp(v.version_at)}`}>{archiveTimestamp(v.version_at)}</a></li>)}
                    </ul></details>
                  ) : null}</td>
                  <td>{r.format}</td>
                  <td>{r.size !== null ? formatSize(r.size) : ''}</td>
                  <td class="download-count" data-resource={r.id}>{count?.today ?? 0} / {count?.total ?? 0}</td>
                  <td>
                    {r.file_key ? <a href={downloadUrl('', r)} download>{t('resource.download')} <span class="visually-hidden">{name}</span></a> : <a href={r.external_url ?? ''}>{t('resource.link')} <span class="visually-hidden">{name}</span></a>}
                    {r.fields ? <> · <a href={`/opendata/resources/${r.id}/preview`}>{t('resource.preview')} <span class="visually-hidden">{name}</span></a></> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p><a href={`/api/3/action/package_show?id=${d.name}`}>{t('dataset.api')}</a></p>
    </Page>
  );
}

export function PreviewPage(props: { ctx: PageContext; dataset: DatasetRow; resource: ResourceRow; columns: string[]; rows: Record<string, unknown>[]; total: number }) {
  const { ctx, resource: r } = props;
  const t = openDataMessages(ctx.locale);
  const name = pick(ctx.locale, r.name_en, r.name_zh_hk, r.name_zh_cn);
  const cell = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value).slice(0, 120) : String(value));
  return (
    <Page ctx={ctx} title={t('preview.title', { name })}>
      <p><a href={`/opendata/datasets/${props.dataset.name}`}>{t('preview.back')}</a></p>
      <h1>{t('preview.title', { name })}</h1>
      {r.source_crs ? (
        <MapPreview label={t('preview.map', { name, crs: r.source_crs })}
          features={props.rows.map((row) => ({ name: String(row[props.columns.find((c) => c.startsWith('name')) ?? props.columns[0] ?? ''] ?? ''), geometry: row.geometry as never }))} />
      ) : null}
      <div class="table-wrap" tabindex="0" role="region" aria-label={t('preview.title', { name })}>
        <table>
          <caption>{t('preview.caption', { shown: props.rows.length, total: props.total })}</caption>
          <thead><tr>{props.columns.map((c) => <th scope="col">{c}</th>)}</tr></thead>
          <tbody>{props.rows.map((row) => <tr>{props.columns.map((c) => <td>{cell(row[c])}</td>)}</tr>)}</tbody>
        </table>
      </div>
    </Page>
  );
}
