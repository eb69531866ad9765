import { Button, Form, Page, TextField, type PageContext } from '../../ui/index.ts';
import type { Verification } from '../document.ts';
import type { DocumentRow } from '../store.ts';
import { walletMessages } from '../messages.ts';

const title = (d: { title_en: string; title_zh_hk: string }, ctx: PageContext) => (ctx.locale === 'en' ? d.title_en : d.title_zh_hk);

export function WalletPage(props: { ctx: PageContext; documents: DocumentRow[] }) {
  const t = walletMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('wallet.title')}>
      <h1>{t('wallet.title')}</h1>
      {props.documents.length === 0 ? <p>{t('wallet.none')}</p> : (
        <ul class="cards">
          {props.documents.map((d) => (
            <li>
              <a href={`/wallet/${d.id}`}>{title(d, props.ctx)}</a>
              <p class="hint">{t('wallet.issued', { date: d.issued_at.toISOString().slice(0, 10) })}{d.valid_until ? ` · ${t('wallet.validUntil', { date: d.valid_until })}` : ''}</p>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

export function DocumentPage(props: { ctx: PageContext; document: DocumentRow; verification: Verification; issuerName: string; share?: { url: string; expiresAt: Date } | undefined }) {
  const { ctx, document } = props;
  const t = walletMessages(ctx.locale);
  return (
    <Page ctx={ctx} title={title(document, ctx)}>
      <h1>{title(document, ctx)}</h1>
      <VerificationDetails ctx={ctx} verification={props.verification} issuerName={props.issuerName} />
      <p><a href={`/wallet/${document.id}/document.pdf`}>{t('document.pdf')}</a> · <a href={`/verify/${document.id}`}>{t('document.verifyLink')}</a></p>
      {props.share ? (
        <div class="panel" role="status">
          <p>{t('document.link', { url: props.share.url })}</p>
          <p>{t('document.linkExpires', { time: props.share.expiresAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' })}</p>
        </div>
      ) : null}
      <h2>{t('document.share')}</h2>
      <p class="hint">{t('document.shareHint')}</p>
      <Form ctx={ctx} action={`/wallet/${document.id}/share`}>
        <TextField name="hours" type="number" label={t('document.hours')} value="24" />
        <Button variant="secondary">{t('document.makeLink')}</Button>
      </Form>
    </Page>
  );
}

export function VerificationDetails(props: { ctx: PageContext; verification: Verification; issuerName: string }) {
  const t = walletMessages(props.ctx.locale);
  const v = props.verification;
  return (
    <>
      <p class={`verdict verdict-${v.status}`} role="status"><strong>{t(`verify.${v.status}`)}</strong></p>
      <dl class="summary-list">
        <dt>{t('verify.issuer')}</dt><dd>{props.issuerName}</dd>
        <dt>{t('verify.holder')}</dt><dd>{v.holderName}</dd>
        <dt>{t('verify.issuedAt')}</dt><dd>{v.issuedAt.slice(0, 10)}</dd>
        <dt>{t('verify.validUntil')}</dt><dd>{v.validUntil ?? t('verify.noExpiry')}</dd>
        {Object.entries(v.claims ?? {}).map(([name, value]) => <><dt>{name}</dt><dd>{value}</dd></>)}
      </dl>
    </>
  );
}

export function VerifyPage(props: { ctx: PageContext; verification: Verification; issuerName: string }) {
  const t = walletMessages(props.ctx.locale);
  const v = props.verification;
  return (
    <Page ctx={props.ctx} title={t('verify.title')}>
      <p class="hint">{t('verify.title')}</p>
      <h1>{props.ctx.locale === 'en' ? v.title.en : v.title['zh-HK']}</h1>
      <VerificationDetails ctx={props.ctx} verification={v} issuerName={props.issuerName} />
      <p class="hint">{t('verify.signature')}</p>
    </Page>
  );
}
