import type { Organisation } from '../../organisations/index.ts';
import { Button, Form, Page, type PageContext } from '../../ui/index.ts';
import { applicationMessages } from '../application-messages.ts';
import type { Service } from '../service.ts';
import { serviceMessages } from '../messages.ts';
import { Requirements } from './requirements.tsx';

export function ServicePage(props: { ctx: PageContext; service: Service; organisation: Organisation | undefined; online: boolean }) {
  const { ctx, service } = props;
  const t = serviceMessages(ctx.locale);
  return (
    <Page ctx={ctx} title={service.name[ctx.locale]}>
      <p class="hint"><a href={`/services?category=${service.category}`}>{t(`category.${service.category as 'transport'}`)}</a></p>
      <h1>{service.name[ctx.locale]}</h1>
      <p class="lead">{service.summary[ctx.locale]}</p>
      <dl class="summary-list">
        <dt>{t('service.department')}</dt><dd>{props.organisation?.name[ctx.locale]}</dd>
        {service.pledgeWorkingDays ? <><dt>{t('service.pledgeLabel')}</dt><dd>{t('service.pledge', { days: service.pledgeWorkingDays })}</dd></> : null}
        <dt>{t('service.feeLabel')}</dt><dd>{service.feeCents > 0 ? t('service.fee', { amount: (service.feeCents / 100).toFixed(2) }) : t('service.free')}</dd>
        {service.contactEmail ? <><dt>{t('service.contact')}</dt><dd><a href={`mailto:${service.contactEmail}`}>{service.contactEmail}</a></dd></> : null}
      </dl>
      <Requirements locale={ctx.locale} service={service} />
      {props.online ? (
        <Form ctx={ctx} action={`/services/${service.slug}/apply`}>
          <Button>{applicationMessages(ctx.locale)('apply.start')}</Button>
        </Form>
      ) : null}
    </Page>
  );
}
