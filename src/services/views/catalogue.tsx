import type { Organisation } from '../../organisations/index.ts';
import { Button, Form, Page, SelectField, TextField, type PageContext } from '../../ui/index.ts';
import type { CataloguePage as Results, CatalogueQuery } from '../catalogue.ts';
import { CATEGORIES } from '../service.ts';
import { serviceMessages } from '../messages.ts';

export type DepartmentCount = { organisation: Organisation; count: number };

export function CataloguePage(props: { ctx: PageContext; query: CatalogueQuery; results: Results; counts: Map<string, number>; organisations: Map<string, Organisation>; departments: DepartmentCount[] }) {
  const { ctx, query, results } = props;
  const t = serviceMessages(ctx.locale);
  const collator = new Intl.Collator(ctx.locale);
  const departments = [...props.departments].sort((a, b) => collator.compare(a.organisation.name[ctx.locale], b.organisation.name[ctx.locale]));
  const organisation = query.organisation || undefined;
  const link = (changes: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ q: query.q, category: query.category, organisation, offset: undefined, ...changes })) if (v !== undefined && v !== '') params.set(k, String(v));
    const text = params.toString();
    return text ? `/services?${text}` : '/services';
  };
  const next = results.offset + results.limit < results.total ? results.offset + results.limit : undefined;
  const previous = results.offset > 0 ? Math.max(0, results.offset - results.limit) : undefined;
  return (
    <Page ctx={ctx} title={t('catalogue.title')}>
      <h1>{t('catalogue.title')}</h1>
      <Form ctx={ctx} action="/services" method="get">
        <TextField name="q" type="search" label={t('catalogue.search')} hint={t('catalogue.searchHint')} value={query.q} />
        <div class="filters">
          <SelectField name="category" label={t('catalogue.topic')} value={query.category ?? ''} options={[{ value: '', label: t('catalogue.all') },
            ...CATEGORIES.filter((c) => props.counts.has(c) || query.category === c).map((c) => ({ value: c, label: t(`category.${c}`) }))]} />
          <SelectField name="organisation" label={t('catalogue.department')} value={organisation ?? ''} options={[{ value: '', label: t('catalogue.allDepartments') },
            ...departments.map((d) => ({ value: d.organisation.id, label: d.organisation.name[ctx.locale] }))]} />
        </div>
        <Button>{t('catalogue.submit')}</Button>
      </Form>
      <nav class="secondary-content" aria-labelledby="categories-title">
        <h2 id="categories-title">{t('catalogue.categories')}</h2>
        <ul class="category-list">
          <li><a href={link({ category: undefined })} aria-current={query.category ? undefined : 'page'}>{t('catalogue.all')}</a></li>
          {CATEGORIES.filter((c) => props.counts.has(c)).map((c) => (
            <li><a href={link({ category: c })} aria-current={query.category === c ? 'page' : undefined}>{t(`category.${c}`)} ({props.counts.get(c)})</a></li>
          ))}
        </ul>
      </nav>
      <nav class="secondary-content" aria-labelledby="departments-title">
        <h2 id="departments-title">{t('catalogue.departments')}</h2>
        <ul class="category-list">
          <li><a href={link({ organisation: undefined })} aria-current={organisation ? undefined : 'page'}>{t('catalogue.allDepartments')}</a></li>
          {departments.map((d) => (
            <li><a href={link({ organisation: d.organisation.id })} aria-current={organisation === d.organisation.id ? 'page' : undefined}>{d.organisation.name[ctx.locale]} ({d.count})</a></li>
          ))}
        </ul>
      </nav>
      {organisation && !departments.some((d) => d.organisation.id === organisation) ? <p class="notice">{t('catalogue.unknownDepartment')}</p> : null}
      <h2 aria-live="polite">{t('catalogue.results', { total: results.total })}</h2>
      {results.total === 0 ? <p>{t('catalogue.noneHint')}</p> : null}
      <ul class="results">
        {results.services.map((s) => (
          <li>
            <h3><a href={`/services/${s.slug}`}>{s.name[ctx.locale]}</a></h3>
            <p class="hint">{props.organisations.get(s.organisationId)?.name[ctx.locale]} · {t(`category.${s.category as 'transport'}`)}</p>
            <p>{s.summary[ctx.locale]}</p>
          </li>
        ))}
      </ul>
      {next !== undefined || previous !== undefined ? (
        <nav aria-label={t('catalogue.results', { total: results.total })} class="pagination">
          {previous !== undefined ? <a href={link({ offset: previous || undefined })} rel="prev">{t('catalogue.previous')}</a> : null}
          {next !== undefined ? <a href={link({ offset: next })} rel="next">{t('catalogue.next')}</a> : null}
        </nav>
      ) : null}
    </Page>
  );
}
