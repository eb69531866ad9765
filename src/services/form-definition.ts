import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { FieldError } from '../platform/errors.ts';
import { toSimplified, type Locale } from '../platform/i18n/index.ts';

// An application form as data: steps of questions, with routing between steps on an answer.
const Text = Type.Object({ en: Type.String({ minLength: 1, maxLength: 500 }), 'zh-HK': Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
const Id = Type.String({ pattern: '^[a-z][a-zA-Z0-9_]{0,39}$' });
/** e-ME profile fields that may fill a question, only after the citizen agrees to each one. */
export const PREFILL_FIELDS = ['name_en', 'name_zh', 'date_of_birth', 'residential_address', 'correspondence_address', 'phone', 'email'] as const;
export type PrefillField = (typeof PREFILL_FIELDS)[number];
export const QUESTION_TYPES = ['text', 'number', 'date', 'selection', 'email', 'phone', 'address', 'id_number', 'file', 'declaration'] as const;

const Question = Type.Object({
  id: Id,
  type: Type.Unsafe<(typeof QUESTION_TYPES)[number]>({ type: 'string', enum: [...QUESTION_TYPES] }),
  label: Text,
  hint: Type.Optional(Text),
  required: Type.Boolean(),
  options: Type.Optional(Type.Array(Type.Object({ value: Type.String({ minLength: 1, maxLength: 100 }), label: Text }, { additionalProperties: false }), { minItems: 1, maxItems: 50 })),
  maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  prefill: Type.Optional(Type.Unsafe<PrefillField>({ type: 'string', enum: [...PREFILL_FIELDS] })),
}, { additionalProperties: false });

const Step = Type.Object({
  id: Id,
  title: Text,
  questions: Type.Array(Question, { minItems: 1, maxItems: 30 }),
  /** A repeatable step ("add another"): its questions are answered once per entry, at least min and at most max times. */
  repeat: Type.Optional(Type.Object({ min: Type.Integer({ minimum: 0, maximum: 50 }), max: Type.Integer({ minimum: 1, maximum: 50 }) }, { additionalProperties: false })),
  next: Type.Optional(Type.Array(Type.Object({ question: Id, equals: Type.String({ maxLength: 100 }), goto: Type.String({ pattern: '^([a-z][a-zA-Z0-9_]{0,39}|end)$' }) }, { additionalProperties: false }), { maxItems: 20 })),
}, { additionalProperties: false });

export const FormDefinition = Type.Object({ steps: Type.Array(Step, { minItems: 1, maxItems: 30 }) }, { additionalProperties: false });
export type FormDefinition = Static<typeof FormDefinition>;
export type FormStep = FormDefinition['steps'][number];
export type FormQuestion = FormStep['questions'][number];
/** Answers by question id; a repeatable step's answers are kept per entry as `questionId[0]`, `questionId[1]`, ... so the
 * flat shape (and every reader of it) stays as it was, and each key still names a question of the form's version. */
export type Answers = Record<string, string>;

export const entryKey = (questionId: string, entry: number) => `${questionId}[${entry}]`;

/** How many entries a repeatable step holds: entries are numbered from 0 with no gaps. */
export function entryCount(step: FormStep, answers: Answers): number {
  let count = 0;
  while (count < 50 && step.questions.some((q) => entryKey(q.id, count) in answers)) count++;
  return count;
}

/** One entry's answers, by question id (as an ordinary step's would be). */
export const entryAnswers = (step: FormStep, answers: Answers, entry: number): Answers =>
  Object.fromEntries(step.questions.flatMap((q) => (entryKey(q.id, entry) in answers ? [[q.id, answers[entryKey(q.id, entry)]!]] : [])));

/** Whether a step is fully and correctly answered; a repeatable one needs min..max entries, each answered. */
export function stepComplete(step: FormStep, answers: Answers): boolean {
  if (!step.repeat) return !step.questions.some((q) => answerProblem(q, answers[q.id]));
  const count = entryCount(step, answers);
  if (count < step.repeat.min || count > step.repeat.max) return false;
  return Array.from({ length: count }, (_, i) => entryAnswers(step, answers, i)).every((entry) => !step.questions.some((q) => answerProblem(q, entry[q.id])));
}

export const textIn = (text: { en: string; 'zh-HK': string }, locale: Locale) => (locale === 'zh-CN' ? toSimplified(text['zh-HK']) : text[locale]);

/** What can be wrong with a definition beyond its shape: a code for pages to translate, with what it names. */
export type DefinitionProblem =
  | { problem: 'duplicate_steps' } | { problem: 'duplicate_questions' } | { problem: 'no_options'; question: string }
  | { problem: 'prefill'; question: string } | { problem: 'route_question'; step: number; question: string } | { problem: 'route_backward'; step: number; goto: string }
  | { problem: 'repeat_range'; step: number } | { problem: 'repeat_file'; step: number } | { problem: 'route_repeatable'; step: number; question: string };
/** A definition's field error, with its problem for pages (the reason is the API's English). */
export type DefinitionError = FieldError & { problem?: DefinitionProblem };

/** Checks a definition beyond its shape: unique ids, options where needed, routes that go somewhere earlier-free and real. */
export function checkDefinition(candidate: unknown): { definition?: FormDefinition; errors: DefinitionError[] } {
  if (!Value.Check(FormDefinition, candidate)) {
    return { errors: [...Value.Errors(FormDefinition, candidate)].slice(0, 10).map((e) => ({ field: `definition${e.instancePath.replace(/\//g, '.')}`, reason: e.message })) };
  }
  const definition = candidate;
  const errors: DefinitionError[] = [];
  const add = (field: string, reason: string, problem: DefinitionProblem) => errors.push({ field, reason, problem });
  const stepIds = definition.steps.map((s) => s.id);
  const questionIds = definition.steps.flatMap((s) => s.questions.map((q) => q.id));
  if (new Set(stepIds).size !== stepIds.length) add('definition.steps', 'step ids must be unique', { problem: 'duplicate_steps' });
  if (new Set(questionIds).size !== questionIds.length) add('definition.steps', 'question ids must be unique across the form', { problem: 'duplicate_questions' });
  definition.steps.forEach((step, index) => {
    for (const q of step.questions) {
      if (q.type === 'selection' && !q.options) add(`definition.steps.${index}.${q.id}`, 'a selection needs options', { problem: 'no_options', question: q.id });
      // e-ME holds text: it cannot answer with a file or make a declaration for the citizen.
      if ((q.type === 'file' || q.type === 'declaration') && q.prefill) add(`definition.steps.${index}.${q.id}`, `a ${q.type} question cannot be filled in from e-ME`, { problem: 'prefill', question: q.id });
    }
    if (step.repeat) {
      if (step.repeat.min > step.repeat.max) add(`definition.steps.${index}.repeat`, 'the fewest entries cannot be more than the most', { problem: 'repeat_range', step: index + 1 });
      // An upload is kept under its question's id; an entry's answers are numbered, so files are left to ordinary steps.
      if (step.questions.some((q) => q.type === 'file' || q.prefill)) add(`definition.steps.${index}.repeat`, 'a repeatable step cannot ask for files or be filled in from e-ME', { problem: 'repeat_file', step: index + 1 });
    }
    for (const rule of step.next ?? []) {
      // A repeatable step's question has one answer per entry, so there is no single answer to route on.
      if (step.repeat && step.questions.some((q) => q.id === rule.question)) add(`definition.steps.${index}.next`, `routes on ${rule.question}, which is repeated`, { problem: 'route_repeatable', step: index + 1, question: rule.question });
      else if (!step.questions.some((q) => q.id === rule.question)) add(`definition.steps.${index}.next`, `routes on ${rule.question}, which is not on this step`, { problem: 'route_question', step: index + 1, question: rule.question });
      const target = stepIds.indexOf(rule.goto);
      if (rule.goto !== 'end' && target <= index) add(`definition.steps.${index}.next`, `goes to ${rule.goto}, which is not a later step`, { problem: 'route_backward', step: index + 1, goto: rule.goto });
    }
  });
  return errors.length ? { errors } : { definition, errors };
}

/** The steps a person goes through, given their answers so far (routing only ever moves forward). */
export function stepPath(definition: FormDefinition, answers: Answers): FormStep[] {
  const path: FormStep[] = [];
  let index = 0;
  while (index < definition.steps.length) {
    const step = definition.steps[index]!;
    path.push(step);
    const rule = step.next?.find((r) => answers[r.question] === r.equals);
    if (rule?.goto === 'end') break;
    index = rule ? definition.steps.findIndex((s) => s.id === rule.goto) : index + 1;
  }
  return path;
}

export function nextStepId(definition: FormDefinition, answers: Answers, stepId: string): string | 'check' {
  const path = stepPath(definition, answers);
  const at = path.findIndex((s) => s.id === stepId);
  return path[at + 1]?.id ?? 'check';
}

const HKID = /^([A-Z]{1,2})([0-9]{6})\(([0-9A])\)$/;
function validHkid(value: string): boolean {
  const match = HKID.exec(value);
  if (!match) return false;
  const letters = match[1]!.length === 1 ? ` ${match[1]}` : match[1]!;
  const digits = `${letters}${match[2]}`.split('').map((c) => (c === ' ' ? 36 : /[A-Z]/.test(c) ? c.charCodeAt(0) - 55 : Number(c)));
  const sum = digits.reduce((acc, d, i) => acc + d * (9 - i), 0);
  const check = (11 - (sum % 11)) % 11;
  return match[3] === (check === 10 ? 'A' : String(check));
}

/** The reason an answer is not acceptable (in English; pages translate the common ones), or undefined. */
export function answerProblem(question: FormQuestion, raw: string | undefined): 'required' | 'invalid' | 'too_long' | undefined {
  const value = (raw ?? '').trim();
  if (!value) return question.required ? 'required' : undefined;
  if (value.length > (question.maxLength ?? 500)) return 'too_long';
  switch (question.type) {
    case 'number': return /^-?\d{1,12}(\.\d{1,4})?$/.test(value) ? undefined : 'invalid';
    case 'date': return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? undefined : 'invalid';
    case 'selection': return question.options?.some((o) => o.value === value) ? undefined : 'invalid';
    case 'email': return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : 'invalid';
    case 'phone': return /^\+?[0-9][0-9 ]{7,17}$/.test(value) ? undefined : 'invalid';
    case 'id_number': return validHkid(value.toUpperCase()) ? undefined : 'invalid';
    case 'declaration': return value === 'yes' ? undefined : 'required';
    default: return undefined;
  }
}
