import { Page, type PageContext } from '../../ui/index.ts';
import { identityMessages } from '../messages.ts';

export function PasskeysPage(props: { ctx: PageContext; passkeys: { addedAt: Date; lastUsedAt: Date | null }[]; added: boolean }) {
  const t = identityMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('passkeys.title')}>
      <h1>{t('passkeys.title')}</h1>
      {props.added ? <p class="notice" role="status">{t('passkeys.added')}</p> : null}
      <p>{t('passkeys.intro')}</p>
      {props.passkeys.length === 0 ? <p>{t('passkeys.none')}</p> : (
        <ul class="passkeys">{props.passkeys.map((p) => <li>{t('passkeys.item', { added: p.addedAt.toISOString().slice(0, 10), used: p.lastUsedAt ? p.lastUsedAt.toISOString().slice(0, 10) : '–' })}</li>)}</ul>
      )}
      <p class="hint">{t('passkeys.noScript')}</p>
      <button type="button" class="button button-primary" data-passkey="add" data-error={t('passkeys.error')} hidden>{t('passkeys.add')}</button>
      <p role="status" data-passkey-status></p>
      <script src="/account/passkey.js" defer></script>
    </Page>
  );
}
