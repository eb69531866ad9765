import { Page, type PageContext } from '../../ui/index.ts';
import type { AttentionItems } from '../attention.ts';
import { assistantMessages } from '../messages.ts';

export function AssistantPage(props: { ctx: PageContext; items: AttentionItems }) {
  const { ctx, items } = props;
  const t = assistantMessages(ctx.locale);
  const name = (row: { name_en: string; name_zh_hk: string; name_zh_cn: string }) => (ctx.locale === 'en' ? row.name_en : ctx.locale === 'zh-HK' ? row.name_zh_hk : row.name_zh_cn);
  const title = (d: { title_en: string; title_zh_hk: string }) => (ctx.locale === 'en' ? d.title_en : d.title_zh_hk);
  const today = new Date().toISOString().slice(0, 10);
  const empty = items.applications.length + items.bills.length + items.expiring.length + items.recent.length === 0;
  return (
    <Page ctx={ctx} title={t('title')}>
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      {empty ? <p class="panel-quiet">{t('nothing')}</p> : null}
      {items.applications.length ? <section><h2>{t('applications')}</h2><ul>{items.applications.map((a) => (
        <li><a href={a.status === 'draft' ? `/applications/${a.id}` : `/applications/${a.id}`}>{t(`application.${a.status as 'draft'}`, { service: name(a), reference: a.reference })}</a></li>
      ))}</ul></section> : null}
      {items.bills.length ? <section><h2>{t('bills')}</h2><ul>{items.bills.map((b) => (
        <li><a href={b.payUrl}>{t(b.dueDate < today ? 'billOverdue' : 'bill', { reference: b.reference, amount: (b.amountCents / 100).toFixed(2), due: b.dueDate })}</a></li>
      ))}</ul></section> : null}
      {items.expiring.length ? <section><h2>{t('expiring')}</h2><ul>{items.expiring.map((d) => (
        <li><a href={`/wallet/${d.id}`}>{t('expiringItem', { title: title(d), date: d.valid_until ?? '' })}</a></li>
      ))}</ul></section> : null}
      {items.recent.length ? <section><h2>{t('recent')}</h2><ul>{items.recent.map((d) => <li><a href={`/wallet/${d.id}`}>{title(d)}</a></li>)}</ul></section> : null}
      <h2>{t('links')}</h2>
      <ul><li><a href="/applications">{t('linkApplications')}</a></li><li><a href="/wallet">{t('linkWallet')}</a></li></ul>
    </Page>
  );
}
