import { Button, Form, Page, SelectField, TextField, type PageContext } from '../../ui/index.ts';
import type { Organisation } from '../../organisations/index.ts';
import { CATEGORIES } from '../catalogue.ts';
import { openDataMessages } from '../messages.ts';
import type { DatasetRow } from '../store.ts';
import { categoryTitle, pick } from './format.ts';

export interface SearchView {
  q: string; organisation: string; category: string; format: string; sort: string; page: number; pages: number; count: number;
  datasets: DatasetRow[];
  organisations: Organisation[];
  facets: { organisation: Map<string, number>; category: Map<string, number>; format: Map<string, number> };
}

export function SearchPage(props: { ctx: PageContext; view: SearchView }) {
  const { ctx, view } = props;
  const t = openDataMessages(ctx.locale);
  const withCount = (label: string, n: number | undefined) => `${label} (${n ?? 0})`;
  const pageLink = (page: number) => `/opendata?${new URLSearchParams({ q: view.q, organisation: view.organisation, category: view.category, format: view.format, sort: view.sort, page: String(page) })}`;
  return (
    <Page ctx={ctx} title={t('portal.title')}>
      <h1>{t('portal.title')}</h1>
      <p>{t('portal.intro')}</p>
      <Form ctx={ctx} action="/opendata" method="get" class="filters">
        <TextField name="q" type="search" label={t('search.label')} value={view.q} />
        <SelectField name="organisation" label={t('facet.organisation')} value={view.organisation} options={[{ value: '', label: t('facet.any') },
          ...view.organisations.filter((o) => view.facets.organisation.has(o.id) || o.code.toLowerCase() === view.organisation).map((o) => ({ value: o.code.toLowerCase(), label: withCount(o.name[ctx.locale], view.facets.organisation.get(o.id)) }))]} />
        <SelectField name="category" label={t('facet.category')} value={view.category} options={[{ value: '', label: t('facet.any') },
          ...CATEGORIES.filter((c) => view.facets.category.has(c.id) || c.id === view.category).map((c) => ({ value: c.id, label: withCount(categoryTitle(c.id, ctx.locale), view.facets.category.get(c.id)) }))]} />
        <SelectField name="format" label={t('facet.format')} value={view.format} options={[{ value: '', label: t('facet.any') },
          ...[...view.facets.format.entries()].map(([f, n]) => ({ value: f, label: withCount(f, n) }))]} />
        <SelectField name="sort" label={t('search.sort')} value={view.sort} options={[{ value: 'relevance', label: t('sort.relevance') }, { value: 'modified', label: t('sort.modified') }, { value: 'name', label: t('sort.name') }]} />
        <Button>{t('search.submit')}</Button>
      </Form>
      <h2 aria-live="polite">{t('search.count', { count: view.count })}</h2>
      <ul class="dataset-list">
        {view.datasets.map((d) => (
          <li>
            <h3><a href={`/opendata/datasets/${d.name}`}>{pick(ctx.locale, d.title_en, d.title_zh_hk, d.title_zh_cn)}</a></h3>
            <p>{pick(ctx.locale, d.notes_en, d.notes_zh_hk, d.notes_zh_cn).slice(0, 240)}</p>
            <p class="hint">{categoryTitle(d.category, ctx.locale)} · {d.formats.join(', ')}</p>
          </li>
        ))}
      </ul>
      {view.pages > 1 ? (
        <nav aria-label={t('paging.label')}>
          <p>{t('paging.status', { page: view.page, pages: view.pages })}</p>
          <ul class="paging">
            {view.page > 1 ? <li><a href={pageLink(view.page - 1)} rel="prev">{t('paging.previous')}</a></li> : null}
            {view.page < view.pages ? <li><a href={pageLink(view.page + 1)} rel="next">{t('paging.next')}</a></li> : null}
          </ul>
        </nav>
      ) : null}
    </Page>
  );
}
