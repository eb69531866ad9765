import type { Child } from '#jsx/jsx-runtime';
import type { FieldError } from '../platform/errors.ts';
import type { PageContext } from './page-context.ts';
import { uiMessages } from './messages.ts';

/**
 * A form that always carries the CSRF token; works without JavaScript. With `enctype="multipart/form-data"` (file
 * uploads) the token travels in the multipart body like any other field.
 */
export function Form(props: { ctx: PageContext; action: string; method?: 'post' | 'get'; enctype?: 'multipart/form-data'; children?: Child; class?: string }) {
  const method = props.method ?? 'post';
  return (
    <form method={method} action={props.action} enctype={props.enctype} class={props.class} novalidate>
      {method === 'post' ? <input type="hidden" name="_csrf" value={props.ctx.csrfToken()} /> : null}
      {props.children}
    </form>
  );
}

/** GOV.UK-style error summary: focusable, linked to each field. */
export function ErrorSummary(props: { ctx: PageContext; errors: FieldError[] }) {
  if (props.errors.length === 0) return null;
  const t = uiMessages(props.ctx.locale);
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
      <h2 id="error-summary-title">{t('errors.summary')}</h2>
      <ul>
        {props.errors.map((e) => (
          <li><a href={`#${fieldId(e.field)}`}>{e.reason}</a></li>
        ))}
      </ul>
    </div>
  );
}

export const fieldId = (name: string) => `field-${name.replace(/^body\./, '').replace(/[^a-zA-Z0-9_-]/g, '-')}`;

export function TextField(props: {
  name: string; label: string; value?: string | undefined; type?: string; autocomplete?: string; hint?: string;
  errors?: FieldError[]; required?: boolean;
}) {
  const id = fieldId(props.name);
  const error = props.errors?.find((e) => e.field === props.name || e.field === `body.${props.name}`);
  const described = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? <p class="hint" id={`${id}-hint`}>{props.hint}</p> : null}
      {error ? <p class="error-message" id={`${id}-error`}>{error.reason}</p> : null}
      <input id={id} name={props.name} type={props.type ?? 'text'} value={props.value} autocomplete={props.autocomplete}
        aria-describedby={described} aria-invalid={error ? 'true' : undefined} required={props.required} />
    </div>
  );
}

export function TextAreaField(props: { name: string; label: string; value?: string | undefined; errors?: FieldError[]; rows?: number }) {
  const id = fieldId(props.name);
  const error = props.errors?.find((e) => e.field === props.name || e.field === `body.${props.name}`);
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{props.label}</label>
      {error ? <p class="error-message" id={`${id}-error`}>{error.reason}</p> : null}
      <textarea id={id} name={props.name} rows={String(props.rows ?? 4)} aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? 'true' : undefined}>{props.value ?? ''}</textarea>
    </div>
  );
}

export function SelectField(props: { name: string; label: string; value?: string | undefined; options: { value: string; label: string }[] }) {
  const id = fieldId(props.name);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name}>
        {props.options.map((o) => <option value={o.value} selected={o.value === props.value}>{o.label}</option>)}
      </select>
    </div>
  );
}

export function Button(props: { children?: Child; variant?: 'primary' | 'secondary' }) {
  return <button type="submit" class={`button button-${props.variant ?? 'primary'}`}>{props.children}</button>;
}
