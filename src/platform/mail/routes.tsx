import { Type } from 'typebox';
import type { ModuleRoutes } from '../services.ts';
import { requireRole } from '../access.ts';
import { pageContext, sendPage } from '../http/pages.ts';
import { Page, type PageContext } from '../../ui/index.ts';
import { outboxMessages } from './messages.ts';
import * as store from './store.ts';

const statusOf = (m: store.OutboxRow, t: ReturnType<typeof outboxMessages>) =>
  m.sent_at ? t('outbox.sent') : m.failed_at ? t('outbox.failed', { error: m.last_error ?? '' }) : t('outbox.queued', { attempts: m.attempts, error: m.last_error ?? '-' });

/** With a real transport, messages carry live codes to real people: staff see where they went, not what they said. */
function OutboxPage(props: { ctx: PageContext; messages: store.OutboxRow[]; readable: Record<'email' | 'sms', boolean> }) {
  const t = outboxMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('outbox.title')} area="console">
      <h1>{t('outbox.title')}</h1>
      <p>{t('outbox.intro')}</p>
      {props.messages.length === 0 ? <p>{t('outbox.empty')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('outbox.when')}</th><th scope="col">{t('outbox.channel')}</th><th scope="col">{t('outbox.to')}</th><th scope="col">{t('outbox.message')}</th><th scope="col">{t('outbox.status')}</th></tr></thead>
            <tbody>
              {props.messages.map((m) => (
                <tr>
                  <td>{m.created_at.toISOString()}</td><td>{m.channel}</td><td>{m.recipient}</td>
                  <td>{props.readable[m.channel] ? <>{m.subject ? <strong>{m.subject}</strong> : null}<pre>{m.body}</pre></> : t('outbox.withheld')}</td>
                  <td>{statusOf(m, t)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

/** The outbox in the console: platform admins only, since messages carry one-time codes. */
export const outboxRoutes: ModuleRoutes = async (app, { db, config }) => {
  app.get('/console/outbox', { schema: { hide: true, querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 254 })) }) } }, async (request, reply) => {
    requireRole(request.actor, 'platform_admin');
    const messages = await store.latestMessages(db, 100, request.query.to?.toLowerCase());
    return sendPage(reply, <OutboxPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} messages={messages} readable={{ email: config.MAIL_TRANSPORT === 'outbox', sms: config.SMS_TRANSPORT === 'outbox' }} />);
  });
};
