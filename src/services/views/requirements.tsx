import type { FieldError } from '../../platform/errors.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { fieldId, SelectField, TextAreaField, TextField } from '../../ui/index.ts';
import { MAX_DOCUMENTS, type RequiredDocument } from '../requirements.ts';
import type { Service } from '../service.ts';
import { serviceMessages } from '../messages.ts';
import type { ServiceFormValues } from './console.tsx';

/** Each document's name, whether everyone needs it, and its note. */
export function DocumentList(props: { locale: Locale; documents: RequiredDocument[] }) {
  const t = serviceMessages(props.locale);
  return (
    <ul class="documents">
      {props.documents.map((d) => (
        <li>
          {d.label[props.locale]}{d.mandatory ? null : <> ({t('service.ifApplies')})</>}
          {d.note ? <><br /><span class="hint">{d.note[props.locale]}</span></> : null}
        </li>
      ))}
    </ul>
  );
}

/** "Who can apply" and "What you need" on the service page; a service without them shows neither. */
export function Requirements(props: { locale: Locale; service: Service }) {
  const { locale, service } = props;
  const t = serviceMessages(locale);
  const paragraphs = service.eligibility[locale].split(/\r?\n/).map((p) => p.trim()).filter(Boolean);
  return (
    <>
      {paragraphs.length > 0 ? (
        <section aria-labelledby="eligibility-title">
          <h2 id="eligibility-title">{t('service.eligibility')}</h2>
          {paragraphs.map((p) => <p>{p}</p>)}
        </section>
      ) : null}
      {service.requiredDocuments.length > 0 ? (
        <section aria-labelledby="documents-title">
          <h2 id="documents-title">{t('service.documents')}</h2>
          <p>{t('service.documentsHint')}</p>
          <DocumentList locale={locale} documents={service.requiredDocuments} />
        </section>
      ) : null}
    </>
  );
}

/** The reminder on an application's first step. */
export function DocumentsReminder(props: { locale: Locale; service: Service }) {
  if (props.service.requiredDocuments.length === 0) return null;
  return (
    <div class="notice">
      <h2>{serviceMessages(props.locale)('service.haveReady')}</h2>
      <DocumentList locale={props.locale} documents={props.service.requiredDocuments} />
    </div>
  );
}

const DOCUMENT_FIELDS = ['labelEn', 'labelZhHk', 'noteEn', 'noteZhHk', 'mandatory'] as const;
const EMPTY_ROWS = 3;

/** How many document rows the form shows: every row sent or saved, then a few empty ones, up to the limit. */
export function documentRowCount(values: ServiceFormValues): number {
  let highest = -1;
  let filled = 0;
  for (const [key, value] of Object.entries(values)) {
    const match = /^documents\.(\d{1,2})\.(labelEn|labelZhHk|noteEn|noteZhHk)$/.exec(key);
    if (!match) continue;
    highest = Math.max(highest, Number(match[1]));
    if (value?.trim() && key.endsWith('labelEn')) filled++;
  }
  return Math.max(highest + 1, Math.min(MAX_DOCUMENTS, filled + EMPTY_ROWS));
}

/** The console's rows of required documents, one fieldset each; works without JavaScript (more rows after saving). */
export function DocumentRows(props: { locale: Locale; values: ServiceFormValues; errors: FieldError[] }) {
  const t = serviceMessages(props.locale);
  const rows = documentRowCount(props.values);
  const listError = props.errors.find((e) => e.field === 'documents');
  return (
    <fieldset id={fieldId('documents')} aria-describedby="field-documents-hint">
      <legend>{t('form.documents')}</legend>
      <p class="hint" id="field-documents-hint">{t('form.documentsHint', { max: MAX_DOCUMENTS })}</p>
      {listError ? <p class="error-message">{listError.reason}</p> : null}
      {Array.from({ length: rows }, (_, i) => {
        const name = (field: (typeof DOCUMENT_FIELDS)[number]) => `documents.${i}.${field}` as const;
        return (
          <fieldset>
            <legend>{t('form.document', { n: i + 1 })}</legend>
            <TextField name={name('labelEn')} label={t('form.documentLabelEn')} value={props.values[name('labelEn')]} errors={props.errors} />
            <TextField name={name('labelZhHk')} label={t('form.documentLabelZhHk')} value={props.values[name('labelZhHk')]} errors={props.errors} />
            <TextField name={name('noteEn')} label={t('form.documentNoteEn')} value={props.values[name('noteEn')]} errors={props.errors} />
            <TextField name={name('noteZhHk')} label={t('form.documentNoteZhHk')} value={props.values[name('noteZhHk')]} errors={props.errors} />
            <SelectField name={name('mandatory')} label={t('form.documentMandatory')} value={props.values[name('mandatory')] ?? 'yes'}
              options={[{ value: 'yes', label: t('form.documentMandatory.yes') }, { value: 'no', label: t('form.documentMandatory.no') }]} />
          </fieldset>
        );
      })}
    </fieldset>
  );
}

/** Who can apply, in the two written languages (Simplified is converted). */
export function EligibilityFields(props: { locale: Locale; values: ServiceFormValues; errors: FieldError[] }) {
  const t = serviceMessages(props.locale);
  return (
    <fieldset aria-describedby="eligibility-hint">
      <legend>{t('service.eligibility')}</legend>
      <p class="hint" id="eligibility-hint">{t('form.eligibilityHint')}</p>
      <TextAreaField name="eligibilityEn" label={t('form.eligibilityEn')} value={props.values.eligibilityEn} errors={props.errors} rows={4} />
      <TextAreaField name="eligibilityZhHk" label={t('form.eligibilityZhHk')} value={props.values.eligibilityZhHk} errors={props.errors} rows={4} />
    </fieldset>
  );
}
