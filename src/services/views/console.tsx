import type { FieldError } from '../../platform/errors.ts';
import { Button, ErrorSummary, Form, Page, SelectField, TextField, type PageContext } from '../../ui/index.ts';
import { CATEGORIES, type Service } from '../service.ts';
import { serviceMessages } from '../messages.ts';
import { applicationMessages } from '../application-messages.ts';
import { DocumentRows, EligibilityFields } from './requirements.tsx';

export function ServicesConsolePage(props: { ctx: PageContext; services: Service[]; canEdit: boolean }) {
  const t = serviceMessages(props.ctx.locale);
  return (
    <Page ctx={props.ctx} title={t('console.title')} area="console">
      <h1>{t('console.title')}</h1>
      {props.canEdit ? <p><a class="button button-primary" href="/console/services/new">{t('console.new')}</a></p> : null}
      {props.services.length === 0 ? <p>{t('console.none')}</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t('form.nameEn')}</th><th scope="col">{t('console.status')}</th><th scope="col"><span class="visually-hidden">{t('console.edit')}</span></th></tr></thead>
            <tbody>
              {props.services.map((s) => (
                <tr>
                  <td>{s.name[props.ctx.locale]}<br /><span class="hint">/services/{s.slug}</span></td>
                  <td>{t(`status.${s.status as 'draft'}`)}</td>
                  <td>{props.canEdit ? <a href={`/console/services/${s.id}`}>{t('console.edit')}<span class="visually-hidden"> {s.name[props.ctx.locale]}</span></a> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

type ServiceField = 'slug' | 'category' | 'nameEn' | 'nameZhHk' | 'summaryEn' | 'summaryZhHk' | 'pledgeWorkingDays' | 'feeItemId' | 'feeDue' | 'contactEmail' | 'eligibilityEn' | 'eligibilityZhHk' | 'version';
/** The service form as sent: its fields, and each required document's as `documents.{row}.{field}`. */
export type ServiceFormValues = Partial<Record<ServiceField, string>> & { [document: `documents.${number}.${string}`]: string | undefined };

export function ServiceFormPage(props: { ctx: PageContext; service?: Service | undefined; values: ServiceFormValues; errors: FieldError[]; feeItems: { id: string; label: string }[] }) {
  const { ctx, service, values, errors } = props;
  const t = serviceMessages(ctx.locale);
  const title = service ? t('form.editTitle', { name: service.name[ctx.locale] }) : t('form.newTitle');
  return (
    <Page ctx={ctx} title={title} area="console">
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <Form ctx={ctx} action={service ? `/console/services/${service.id}` : '/console/services/new'}>
        {service ? <input type="hidden" name="version" value={values.version} /> : null}
        <TextField name="slug" label={t('form.slug')} hint={t('form.slugHint')} value={values.slug} errors={errors} />
        <SelectField name="category" label={t('form.category')} value={values.category} options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))} />
        <TextField name="nameEn" label={t('form.nameEn')} value={values.nameEn} errors={errors} />
        <TextField name="nameZhHk" label={t('form.nameZhHk')} hint={t('form.simplifiedHint')} value={values.nameZhHk} errors={errors} />
        <TextField name="summaryEn" label={t('form.summaryEn')} value={values.summaryEn} errors={errors} />
        <TextField name="summaryZhHk" label={t('form.summaryZhHk')} value={values.summaryZhHk} errors={errors} />
        <TextField name="pledgeWorkingDays" type="number" label={t('form.pledge')} value={values.pledgeWorkingDays} errors={errors} />
        <SelectField name="feeItemId" label={t('form.fee')} value={values.feeItemId ?? ''} options={[{ value: '', label: t('form.noFee') }, ...props.feeItems.map((i) => ({ value: i.id, label: i.label }))]} />
        <SelectField name="feeDue" label={t('form.feeDue')} value={values.feeDue ?? 'submission'} options={[{ value: 'submission', label: t('form.feeDue.submission') }, { value: 'approval', label: t('form.feeDue.approval') }]} />
        <TextField name="contactEmail" type="email" label={t('form.contact')} value={values.contactEmail} errors={errors} />
        <EligibilityFields locale={ctx.locale} values={values} errors={errors} />
        <DocumentRows locale={ctx.locale} values={values} errors={errors} />
        <Button>{t('form.save')}</Button>
      </Form>
      {service ? <p><a href={`/console/services/${service.id}/form`}>{applicationMessages(ctx.locale)('form.editor')}</a></p> : null}
      {service ? (
        <Form ctx={ctx} action={`/console/services/${service.id}/${service.status === 'published' ? 'withdraw' : 'publish'}`}>
          <input type="hidden" name="version" value={String(service.version)} />
          <Button variant="secondary">{service.status === 'published' ? t('form.withdraw') : t('form.publish')}</Button>
        </Form>
      ) : null}
    </Page>
  );
}
