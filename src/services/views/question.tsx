import type { FieldError } from '../../platform/errors.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { fieldId } from '../../ui/index.ts';
import { textIn, type FormQuestion } from '../form-definition.ts';
import { applicationMessages } from '../application-messages.ts';

const INPUT_TYPES: Partial<Record<FormQuestion['type'], string>> = { number: 'text', date: 'date', email: 'email', phone: 'tel', id_number: 'text' };
const AUTOCOMPLETE: Partial<Record<FormQuestion['type'], string>> = { email: 'email', phone: 'tel', address: 'street-address' };

/** The message for a refused answer; `fileMaxMb` is the configured size limit of a file question. */
export function questionError(question: FormQuestion, reason: string, locale: Locale, fileMaxMb: number): string {
  const t = applicationMessages(locale);
  const key = reason === 'too_long' || reason === 'invalid' || reason === 'file_type' || reason === 'file_name' || reason === 'file_too_large' ? `apply.${reason}` as const : 'apply.required';
  return t(key, { question: textIn(question.label, locale), max: fileMaxMb });
}

export const fileSize = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** The file already kept as a file question's answer: shown beside the control, replaced by choosing another. */
export interface CurrentFile { name: string; size: number; href?: string | undefined }

/** One question, by its type; errors and hints are tied to the control for screen readers. */
export function Question(props: { question: FormQuestion; value: string | undefined; errors: FieldError[]; locale: Locale; fileMaxMb: number; file?: CurrentFile | undefined }) {
  const { question: q, locale } = props;
  const id = fieldId(q.id);
  const error = props.errors.find((e) => e.field === q.id);
  const label = textIn(q.label, locale);
  const described = [q.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const hint = q.hint ? <p class="hint" id={`${id}-hint`}>{textIn(q.hint, locale)}</p> : null;
  const message = error ? <p class="error-message" id={`${id}-error`}>{questionError(q, error.reason, locale, props.fileMaxMb)}</p> : null;
  const t = applicationMessages(locale);
  if (q.type === 'selection' || q.type === 'declaration') {
    const options = q.type === 'declaration' ? [{ value: 'yes', text: t('apply.declarationYes') }] : (q.options ?? []).map((o) => ({ value: o.value, text: textIn(o.label, locale) }));
    return (
      <div class={error ? 'field field-error' : 'field'}>
        <fieldset id={id} aria-describedby={described}>
          <legend>{label}</legend>
          {hint}{message}
          {options.map((o, i) => (
            <div class="choice">
              <input id={`${id}-${i}`} name={q.id} type={q.type === 'declaration' ? 'checkbox' : 'radio'} value={o.value} checked={props.value === o.value} />
              <label for={`${id}-${i}`}>{o.text}</label>
            </div>
          ))}
        </fieldset>
      </div>
    );
  }
  if (q.type === 'file') {
    const current = props.file ? <p class="hint" id={`${id}-current`}>{t('apply.fileCurrent', { name: props.file.name, size: fileSize(props.file.size) })}</p> : null;
    const fileDescribed = [described, `${id}-types`, props.file ? `${id}-current` : ''].filter(Boolean).join(' ');
    return (
      <div class={error ? 'field field-error' : 'field'}>
        <label for={id}>{label}</label>
        {hint}<p class="hint" id={`${id}-types`}>{t('apply.fileTypes', { max: props.fileMaxMb })}</p>{current}{message}
        <input id={id} name={q.id} type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" aria-describedby={fileDescribed} aria-invalid={error ? 'true' : undefined} />
      </div>
    );
  }
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{label}</label>
      {hint}{message}
      {q.type === 'address'
        ? <textarea id={id} name={q.id} rows="3" aria-describedby={described} aria-invalid={error ? 'true' : undefined} autocomplete={AUTOCOMPLETE.address}>{props.value ?? ''}</textarea>
        : <input id={id} name={q.id} type={INPUT_TYPES[q.type] ?? 'text'} value={props.value} inputmode={q.type === 'number' ? 'decimal' : undefined}
            autocomplete={AUTOCOMPLETE[q.type]} aria-describedby={described} aria-invalid={error ? 'true' : undefined} />}
    </div>
  );
}
