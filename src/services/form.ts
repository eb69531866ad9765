import type { FieldError } from '../platform/errors.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { CATEGORIES, type Category, type Service, type ServiceInput } from './service.ts';
import { serviceMessages } from './messages.ts';
import type { ServiceFormValues } from './views/console.tsx';
import { DOCUMENT_LABEL_MAX, DOCUMENT_NOTE_MAX, ELIGIBILITY_MAX, MAX_DOCUMENTS, type RequiredDocumentInput } from './requirements.ts';

/** Reads the console's service form; every problem becomes a field error in the editor's language. */
export function readServiceForm(values: ServiceFormValues, locale: Locale): { input?: ServiceInput; errors: FieldError[] } {
  const t = serviceMessages(locale);
  const errors: FieldError[] = [];
  const check = (name: keyof ServiceFormValues, field: string, max: number, required = true) => {
    const value = (values[name] ?? '').trim();
    if (required && !value) errors.push({ field: name, reason: t('form.required', { field }) });
    else if (value.length > max) errors.push({ field: name, reason: t('form.tooLong', { field, max }) });
    return value;
  };
  const text = (name: keyof ServiceFormValues, label: Parameters<typeof t>[0], max: number, required = true) => check(name, t(label), max, required);
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
  // Either language alone would leave the other's readers without it.
  const eligibilityEn = text('eligibilityEn', 'form.eligibilityEn', ELIGIBILITY_MAX, Boolean(values.eligibilityZhHk?.trim()));
  const eligibilityZhHk = text('eligibilityZhHk', 'form.eligibilityZhHk', ELIGIBILITY_MAX, Boolean(eligibilityEn));
  const requiredDocuments = readDocuments(values, check, t);
  if (requiredDocuments.length > MAX_DOCUMENTS) errors.push({ field: 'documents', reason: t('form.tooManyDocuments', { max: MAX_DOCUMENTS }) });
  if (errors.length > 0) return { errors };
  return {
    errors,
    input: {
      slug, category: category!, nameEn, nameZhHk, summaryEn, summaryZhHk, ...(feeItemId ? { feeItemId } : {}), feeDue,
      ...(pledge !== undefined ? { pledgeWorkingDays: pledge } : {}), ...(contactEmail ? { contactEmail } : {}), eligibilityEn, eligibilityZhHk, requiredDocuments,
    },
  };
}

/** The filled rows of the form's documents, in row order; an empty row is no document. */
function readDocuments(values: ServiceFormValues, check: (name: keyof ServiceFormValues, field: string, max: number, required?: boolean) => string, t: ReturnType<typeof serviceMessages>): RequiredDocumentInput[] {
  const rows = new Set<number>();
  for (const key of Object.keys(values)) {
    const match = /^documents\.(\d{1,2})\./.exec(key);
    if (match) rows.add(Number(match[1]));
  }
  const documents: RequiredDocumentInput[] = [];
  for (const row of [...rows].sort((a, b) => a - b)) {
    const at = (field: string) => `documents.${row}.${field}` as const;
    const given = (field: string) => Boolean(values[at(field)]?.trim());
    if (!['labelEn', 'labelZhHk', 'noteEn', 'noteZhHk'].some(given)) continue;
    const named = (label: Parameters<typeof t>[0]) => t('form.documentField', { field: t(label), n: row + 1 });
    // Checked in the form's order, so that the error summary lists problems as the page shows the fields.
    const labelEn = check(at('labelEn'), named('form.documentLabelEn'), DOCUMENT_LABEL_MAX);
    const labelZhHk = check(at('labelZhHk'), named('form.documentLabelZhHk'), DOCUMENT_LABEL_MAX);
    const noteEn = check(at('noteEn'), named('form.documentNoteEn'), DOCUMENT_NOTE_MAX, given('noteZhHk'));
    const noteZhHk = check(at('noteZhHk'), named('form.documentNoteZhHk'), DOCUMENT_NOTE_MAX, given('noteEn'));
    documents.push({ labelEn, labelZhHk, ...(noteEn || noteZhHk ? { noteEn, noteZhHk } : {}), mandatory: values[at('mandatory')] !== 'no' });
  }
  return documents;
}

export const serviceFormValues = (service: Service): ServiceFormValues => ({
  slug: service.slug, category: service.category, nameEn: service.name.en, nameZhHk: service.name['zh-HK'],
  summaryEn: service.summary.en, summaryZhHk: service.summary['zh-HK'], pledgeWorkingDays: service.pledgeWorkingDays?.toString() ?? '',
  feeItemId: service.feeItemId ?? '', feeDue: service.feeDue, contactEmail: service.contactEmail ?? '', version: String(service.version),
  eligibilityEn: service.eligibility.en, eligibilityZhHk: service.eligibility['zh-HK'],
  ...Object.fromEntries(service.requiredDocuments.flatMap((d, i) => [
    [`documents.${i}.labelEn`, d.label.en], [`documents.${i}.labelZhHk`, d.label['zh-HK']], [`documents.${i}.noteEn`, d.note?.en ?? ''],
    [`documents.${i}.noteZhHk`, d.note?.['zh-HK'] ?? ''], [`documents.${i}.mandatory`, d.mandatory ? 'yes' : 'no'],
  ])),
});
