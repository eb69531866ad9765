import type { FieldError } from '../platform/errors.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { PREFILL_FIELDS, QUESTION_TYPES, type FormDefinition, type FormQuestion, type FormStep, type PrefillField } from './form-definition.ts';
import type { FormChange } from './forms.ts';
import { editorMessages } from './editor-messages.ts';

// The structured editor's changes, each a small pure function over the working definition. Fields of the editor's
// forms are named `e.*`: question ids cannot contain a dot, so they never clash with the preview's controls.

export type EditValues = Record<string, string | undefined>;
export type Direction = 'up' | 'down';
export type Edit =
  | { op: 'addStep' }
  | { op: 'updateStep' | 'addQuestion' | 'removeStep'; step: string; values?: EditValues }
  | { op: 'moveStep'; step: string; direction: Direction }
  | { op: 'updateQuestion' | 'removeQuestion'; step: string; question: string; values?: EditValues }
  | { op: 'moveQuestion'; step: string; question: string; direction: Direction };

/** Where the editor goes after a change: the step (and question) it made or changed. */
export interface EditTarget { step?: string | undefined; question?: string | undefined }

const uniqueId = (prefix: string, taken: string[]) => {
  for (let n = taken.length + 1; ; n++) if (!taken.includes(`${prefix}${n}`)) return `${prefix}${n}`;
};
const newQuestion = (id: string): FormQuestion => ({ id, type: 'text', label: { en: 'New question', 'zh-HK': '新問題' }, required: false });
const questionIds = (definition: FormDefinition) => definition.steps.flatMap((s) => s.questions.map((q) => q.id));
const routedTo = (definition: FormDefinition, stepId: string) => definition.steps.some((s) => s.next?.some((r) => r.goto === stepId));

function move<T>(list: T[], index: number, direction: Direction): void {
  const to = direction === 'up' ? index - 1 : index + 1;
  if (index < 0 || to < 0 || to >= list.length) return;
  [list[index], list[to]] = [list[to]!, list[index]!];
}

/** The change an edit makes, and where it leaves the editor (known once the change has run on the latest definition). */
export function planEdit(edit: Edit, locale: Locale): { change: FormChange; target: EditTarget } {
  const t = editorMessages(locale);
  const target: EditTarget = { step: 'step' in edit ? edit.step : undefined, question: 'question' in edit ? edit.question : undefined };
  const change: FormChange = (definition) => {
    const ok = { definition, errors: [] };
    if (edit.op === 'addStep') {
      const id = uniqueId('step', definition.steps.map((s) => s.id));
      definition.steps.push({ id, title: { en: 'New step', 'zh-HK': '新步驟' }, questions: [newQuestion(uniqueId('question', questionIds(definition)))] });
      target.step = id;
      return ok;
    }
    const stepIndex = definition.steps.findIndex((s) => s.id === edit.step);
    const step = definition.steps[stepIndex];
    if (!step) return { errors: [{ field: 'e.steps', reason: t('error.noStep') }] };
    switch (edit.op) {
      case 'updateStep': {
        const read = readStep(edit.values ?? {}, definition, stepIndex, locale);
        if (!read.step) return { errors: read.errors };
        definition.steps[stepIndex] = read.step;
        return ok;
      }
      case 'removeStep':
        if (definition.steps.length === 1) return { errors: [{ field: 'e.steps', reason: t('error.lastStep') }] };
        if (routedTo(definition, step.id)) return { errors: [{ field: 'e.steps', reason: t('error.inUse', { name: step.title[locale === 'en' ? 'en' : 'zh-HK'] }) }] };
        definition.steps.splice(stepIndex, 1);
        target.step = definition.steps[Math.max(0, stepIndex - 1)]!.id;
        return ok;
      case 'moveStep':
        move(definition.steps, stepIndex, edit.direction);
        return ok;
      case 'addQuestion':
        target.question = uniqueId('question', questionIds(definition));
        step.questions.push(newQuestion(target.question));
        return ok;
      default:
        break;
    }
    const questionIndex = step.questions.findIndex((q) => q.id === edit.question);
    const question = step.questions[questionIndex];
    if (!question) return { errors: [{ field: 'e.steps', reason: t('error.noQuestion') }] };
    switch (edit.op) {
      case 'updateQuestion': {
        const read = readQuestion(edit.values ?? {}, question.id, locale);
        if (!read.question) return { errors: read.errors };
        step.questions[questionIndex] = read.question;
        return ok;
      }
      case 'removeQuestion':
        if (step.questions.length === 1) return { errors: [{ field: 'e.steps', reason: t('error.lastQuestion') }] };
        if (step.next?.some((r) => r.question === question.id)) return { errors: [{ field: 'e.steps', reason: t('error.inUse', { name: question.label[locale === 'en' ? 'en' : 'zh-HK'] }) }] };
        step.questions.splice(questionIndex, 1);
        target.question = undefined;
        return ok;
      case 'moveQuestion':
        move(step.questions, questionIndex, edit.direction);
        return ok;
    }
  };
  return { change, target };
}

/** Reads one text field: trimmed, required or not, at most `max` characters; problems named by the field's label. */
function reader(values: EditValues, errors: FieldError[], locale: Locale) {
  const t = editorMessages(locale);
  return (name: string, label: Parameters<typeof t>[0], required: boolean, max = 500) => {
    const value = (values[name] ?? '').trim();
    if (required && !value) errors.push({ field: name, reason: t('error.required', { field: t(label) }) });
    else if (value.length > max) errors.push({ field: name, reason: t('error.tooLong', { field: t(label) }) });
    return value;
  };
}

export function readQuestion(values: EditValues, id: string, locale: Locale): { question?: FormQuestion; errors: FieldError[] } {
  const t = editorMessages(locale);
  const errors: FieldError[] = [];
  const text = reader(values, errors, locale);
  const type = QUESTION_TYPES.find((q) => q === values['e.type']) ?? 'text';
  const labelEn = text('e.labelEn', 'editor.labelEn', true);
  const labelZhHk = text('e.labelZhHk', 'editor.labelZhHk', true);
  const hintEn = text('e.hintEn', 'editor.hintEn', false);
  const hintZhHk = text('e.hintZhHk', 'editor.hintZhHk', false);
  const question: FormQuestion = { id, type, label: { en: labelEn, 'zh-HK': labelZhHk }, required: values['e.required'] === 'yes' };
  if (hintEn || hintZhHk) question.hint = { en: hintEn || hintZhHk, 'zh-HK': hintZhHk || hintEn };
  if (type === 'selection') {
    const options = readOptions(values['e.options'] ?? '', errors, locale);
    if (options) question.options = options;
  }
  const maxLength = (values['e.maxLength'] ?? '').trim();
  if (maxLength) {
    const n = Number(maxLength);
    if (!Number.isInteger(n) || n < 1 || n > 5000) errors.push({ field: 'e.maxLength', reason: t('error.maxLength') });
    else question.maxLength = n;
  }
  const prefill = PREFILL_FIELDS.find((f) => f === values['e.prefill']);
  if (prefill && type !== 'file' && type !== 'declaration') question.prefill = prefill as PrefillField;
  return errors.length ? { errors } : { question, errors };
}

/** Choices as lines of `value | English | Chinese` (a line of one part uses it for all three). */
function readOptions(text: string, errors: FieldError[], locale: Locale): FormQuestion['options'] {
  const t = editorMessages(locale);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) {
    errors.push({ field: 'e.options', reason: t('error.optionsNeeded') });
    return undefined;
  }
  const options = lines.flatMap((line, i) => {
    const [value = '', en = value, zh = en] = line.split('|').map((p) => p.trim());
    if (!value || value.length > 100 || !en || !zh || en.length > 500 || zh.length > 500 || lines.length > 50) {
      errors.push({ field: 'e.options', reason: t('error.options', { n: i + 1 }) });
      return [];
    }
    return [{ value, label: { en, 'zh-HK': zh } }];
  });
  if (new Set(options.map((o) => o.value)).size !== options.length) errors.push({ field: 'e.options', reason: t('error.optionsUnique') });
  return options;
}

/** How many routing rows the step editor offers: the step's rules and one empty row to add another. */
export const ruleRows = (step: FormStep) => Math.min(20, (step.next?.length ?? 0) + 1);

export function readStep(values: EditValues, definition: FormDefinition, index: number, locale: Locale): { step?: FormStep; errors: FieldError[] } {
  const t = editorMessages(locale);
  const errors: FieldError[] = [];
  const text = reader(values, errors, locale);
  const current = definition.steps[index]!;
  const step: FormStep = { id: current.id, title: { en: text('e.titleEn', 'editor.titleEn', true), 'zh-HK': text('e.titleZhHk', 'editor.titleZhHk', true) }, questions: current.questions };
  const later = definition.steps.slice(index + 1).map((s) => s.id);
  const rules: NonNullable<FormStep['next']> = [];
  for (let i = 0; i < 20; i++) {
    const [question, equals, goto] = ['ruleQuestion', 'ruleEquals', 'ruleGoto'].map((k) => (values[`e.${k}.${i}`] ?? '').trim());
    if (!question && !equals && !goto) continue;
    if (!question || !equals || !goto || !current.questions.some((q) => q.id === question) || equals.length > 100) errors.push({ field: `e.ruleQuestion.${i}`, reason: t('error.rule', { n: i + 1 }) });
    else if (goto !== 'end' && !later.includes(goto)) errors.push({ field: `e.ruleGoto.${i}`, reason: t('error.ruleForward', { n: i + 1 }) });
    else rules.push({ question, equals, goto });
  }
  if (rules.length) step.next = rules;
  if (values['e.repeat'] === 'yes') {
    const count = (name: string, lowest: number, reason: 'error.repeatMin' | 'error.repeatMax') => {
      const n = Number((values[name] ?? '').trim() || Number.NaN);
      if (Number.isInteger(n) && n >= lowest && n <= 50) return n;
      errors.push({ field: name, reason: t(reason) });
      return lowest;
    };
    step.repeat = { min: count('e.repeatMin', 0, 'error.repeatMin'), max: count('e.repeatMax', 1, 'error.repeatMax') };
    if (step.repeat.min > step.repeat.max) errors.push({ field: 'e.repeatMin', reason: t('error.repeatRange', { n: index + 1 }) });
  }
  return errors.length ? { errors } : { step, errors };
}

/** The editor's form values for a question or a step, as they are now. */
export function questionValues(q: FormQuestion): EditValues {
  return {
    'e.type': q.type, 'e.labelEn': q.label.en, 'e.labelZhHk': q.label['zh-HK'], 'e.hintEn': q.hint?.en, 'e.hintZhHk': q.hint?.['zh-HK'],
    'e.required': q.required ? 'yes' : '', 'e.options': q.options?.map((o) => `${o.value} | ${o.label.en} | ${o.label['zh-HK']}`).join('\n'),
    'e.maxLength': q.maxLength?.toString(), 'e.prefill': q.prefill ?? '',
  };
}

export function stepValues(step: FormStep): EditValues {
  const values: EditValues = {
    'e.titleEn': step.title.en, 'e.titleZhHk': step.title['zh-HK'], 'e.repeat': step.repeat ? 'yes' : '', 'e.repeatMin': String(step.repeat?.min ?? 1), 'e.repeatMax': String(step.repeat?.max ?? 5),
  };
  step.next?.forEach((r, i) => Object.assign(values, { [`e.ruleQuestion.${i}`]: r.question, [`e.ruleEquals.${i}`]: r.equals, [`e.ruleGoto.${i}`]: r.goto }));
  return values;
}
