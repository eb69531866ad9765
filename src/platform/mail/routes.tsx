import { Type } from 'typebox';
import type { ModuleRoutes } from '../services.ts';
import { requireRole } from '../access.ts';
import { pageContext, sendPage } from '../http/pages.ts';
import { Page, type PageContext } from '../../ui/index.ts';
import { outboxMessages } from './messages.ts';
import * as store from './store.ts';

function OutboxPage(props: { ctx: PageContext; messages: store.OutboxRow[] }) {
  const t = outboxMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('outbox.title')} area="console">
      <h1>{t('outbox.title')}</h1>
      <p>{t('outbox.intro')}</p>
      {props.messages.length === 0 ? <p>{t('outbox.empty')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('outbox.when')}</th><th scope="col">{t('outbox.channel')}</th><th scope="col">{t('outbox.to')}</th><th scope="col">{t('outbox.message')}</th></tr></thead>
            <tbody>
              {props.messages.map((m) => (
                <tr>
                  <td>{m.created_at.toISOString()}</td><td>{m.channel}</td><td>{m.recipient}</td>
                  <td>{m.subject ? <strong>{m.subject}</strong> : null}<pre>{m.body}</pre></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

/** The development outbox in the console: platform admins only, since messages carry one-time codes. */
export const outboxRoutes: ModuleRoutes = async (app, { db, config }) => {
  app.get('/console/outbox', { schema: { hide: true, querystring: Type.Object({ to: Type.Optional(Type.String({ maxLength: 254 })) }) } }, async (request, reply) => {
    requireRole(request.actor, 'platform_admin');
    const messages = await store.latestMessages(db, 100, request.query.to?.toLowerCase());
    return sendPage(reply, <OutboxPage ctx={pageContext(request, reply, config.SEED_SAMPLE_DATA)} messages={messages} />);
  });
};
