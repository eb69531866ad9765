import type { Child } from '#jsx/jsx-runtime';
import type { FieldError } from '../../platform/errors.ts';
import { fieldId, Form, type PageContext } from '../../ui/index.ts';

// Form parts the shared UI does not have yet: a checkbox and a file input; and the upload form the console pages use.

const errorFor = (errors: FieldError[] | undefined, name: string) => errors?.find((e) => e.field === name || e.field === `body.${name}`);

export function Checkbox(props: { name: string; label: string; checked: boolean }) {
  const id = fieldId(props.name);
  return (
    <div class="field">
      <input id={id} name={props.name} type="checkbox" value="yes" checked={props.checked} />
      <label for={id} class="inline-label">{props.label}</label>
    </div>
  );
}

export function FileField(props: { name: string; label: string; hint?: string; errors?: FieldError[]; idSuffix?: string }) {
  const id = `${fieldId(props.name)}${props.idSuffix ?? ''}`;
  const error = errorFor(props.errors, props.name);
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? <p class="hint" id={`${id}-hint`}>{props.hint}</p> : null}
      {error ? <p class="error-message" id={`${id}-error`}>{error.reason}</p> : null}
      <input id={id} name={props.name} type="file" aria-describedby={[props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined} aria-invalid={error ? 'true' : undefined} />
    </div>
  );
}

/** A file upload form: the shared Form, sent as multipart (the CSRF token travels in the body like any other field). */
export function UploadForm(props: { ctx: PageContext; action: string; children?: Child }) {
  return <Form ctx={props.ctx} action={props.action} enctype="multipart/form-data">{props.children}</Form>;
}
