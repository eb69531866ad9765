import type { FieldError } from '../platform/errors.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { CATEGORIES, type Category, type Service, type ServiceInput } from './service.ts';
import { serviceMessages } from './messages.ts';
import type { ServiceFormValues } from './views/console.tsx';

/** Reads the console's service form; every problem becomes a field error in the editor's language. */
export function readServiceForm(values: ServiceFormValues, locale: Locale): { input?: ServiceInput; errors: FieldError[] } {
  const t = serviceMessages(locale);
  const errors: FieldError[] = [];
  const text = (name: keyof ServiceFormValues, label: Parameters<typeof t>[0], max: number, required = true) => {
    const value = (values[name] ?? '').trim();
    if (required && !value) errors.push({ field: name, reason: t('form.required', { field: t(label) }) });
    else if (value.length > max) errors.push({ field: name, reason: t('form.invalid', { field: t(label) }) });
    return value;
  };
  const slug = text('slug', 'form.slug', 80);
  if (slug && !/^[a-z0-9][a-z0-9-]{2,79}$/.test(slug)) errors.push({ field: 'slug', reason: t('form.slugHint') });
  const nameEn = text('nameEn', 'form.nameEn', 200);
  const nameZhHk = text('nameZhHk', 'form.nameZhHk', 200);
  const summaryEn = text('summaryEn', 'form.summaryEn', 2000, false);
  const summaryZhHk = text('summaryZhHk', 'form.summaryZhHk', 2000, false);
  const category = CATEGORIES.includes(values.category as Category) ? (values.category as Category) : undefined;
  if (!category) errors.push({ field: 'category', reason: t('form.required', { field: t('form.category') }) });
  const pledgeText = (values.pledgeWorkingDays ?? '').trim();
  const pledge = pledgeText ? Number(pledgeText) : undefined;
  if (pledge !== undefined && (!Number.isInteger(pledge) || pledge < 1 || pledge > 365)) errors.push({ field: 'pledgeWorkingDays', reason: t('form.invalid', { field: t('form.pledge') }) });
  const feeItemId = (values.feeItemId ?? '').trim();
  if (feeItemId && !/^[0-9a-f-]{36}$/.test(feeItemId)) errors.push({ field: 'feeItemId', reason: t('form.invalid', { field: t('form.fee') }) });
  const feeDue = values.feeDue === 'approval' ? 'approval' : 'submission';
  const contactEmail = (values.contactEmail ?? '').trim();
  if (contactEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(contactEmail)) errors.push({ field: 'contactEmail', reason: t('form.invalid', { field: t('form.contact') }) });
  if (errors.length > 0) return { errors };
  return {
    errors,
    input: {
      slug, category: category!, nameEn, nameZhHk, summaryEn, summaryZhHk, ...(feeItemId ? { feeItemId } : {}), feeDue,
      ...(pledge !== undefined ? { pledgeWorkingDays: pledge } : {}), ...(contactEmail ? { contactEmail } : {}),
    },
  };
}

export const serviceFormValues = (service: Service): ServiceFormValues => ({
  slug: service.slug, category: service.category, nameEn: service.name.en, nameZhHk: service.name['zh-HK'],
  summaryEn: service.summary.en, summaryZhHk: service.summary['zh-HK'], pledgeWorkingDays: service.pledgeWorkingDays?.toString() ?? '',
  feeItemId: service.feeItemId ?? '', feeDue: service.feeDue, contactEmail: service.contactEmail ?? '', version: String(service.version),
});
