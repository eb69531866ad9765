import type { FieldError } from '../platform/errors.ts';
import type { SchemaInputError, SchemaProblem } from '../platform/http/problem.ts';
import type { Locale } from '../platform/i18n/index.ts';
import { inputMessages } from './input-messages.ts';

type Key = Parameters<ReturnType<typeof inputMessages>>[0];

const FORMATS: Record<string, Key> = {
  email: 'input.format.email', date: 'input.format.date', 'date-time': 'input.format.dateTime', time: 'input.format.time',
  uri: 'input.format.uri', url: 'input.format.uri',
};
const TYPES: Record<string, Key> = { integer: 'input.integer', number: 'input.number', boolean: 'input.boolean' };
const LIMITS = new Set(['maxLength', 'minLength', 'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'maxItems', 'minItems']);
const CHOICES = new Set(['const', 'enum']);
const isUnion = (p: SchemaProblem) => p.keyword === 'anyOf' || p.keyword === 'oneOf';

/**
 * A union (anyOf) fails with each branch's failure and then its own. Constants (or ids, by format or pattern): a choice. One
 * branch failed on something other than the value's type: that branch is the one meant (a string too long, say).
 * Otherwise the union itself: not valid.
 */
function meant(problems: readonly SchemaProblem[]): SchemaProblem[] {
  const unions = problems.filter(isUnion);
  const branchesOf = (union: SchemaProblem) => problems.filter((p) => p !== union && p.schemaPath.startsWith(`${union.schemaPath}/`));
  const inBranch = new Set(unions.flatMap(branchesOf));
  return problems.filter((p) => !inBranch.has(p)).map((p) => {
    if (!isUnion(p)) return p;
    const branches = branchesOf(p).filter((b) => !isUnion(b));
    if (branches.some((b) => CHOICES.has(b.keyword)) && branches.every((b) => CHOICES.has(b.keyword) || b.keyword === 'format' || b.keyword === 'pattern')) return { ...p, keyword: 'enum' };
    const untyped = branches.filter((b) => b.keyword !== 'type');
    return untyped.length === 1 ? untyped[0]! : p;
  });
}

function reason(t: ReturnType<typeof inputMessages>, problem: SchemaProblem, field: string): string {
  const { keyword, params } = problem;
  if (keyword === 'additionalProperties') return t('input.notAccepted', { name: problem.name });
  if (keyword === 'required') return t('input.required', { field });
  if (keyword === 'minLength' && params.limit === 1) return t('input.required', { field });
  if (LIMITS.has(keyword) && typeof params.limit === 'number') return t(`input.${keyword}` as Key, { field, limit: params.limit });
  if (keyword === 'pattern') return t('input.pattern', { field });
  if (keyword === 'format') return t(FORMATS[String(params.format)] ?? 'input.format', { field });
  if (keyword === 'type') return t(TYPES[String(params.type)] ?? 'input.format', { field });
  if (keyword === 'enum' || keyword === 'const') return t('input.choice', { field });
  return t('input.invalid', { field });
}

/**
 * Why the schema refused the input, in the person's language, naming each field by the form's label where the route
 * gave one (`config.fieldLabels`). One reason per field; a bad address (route params) is one reason for the page.
 */
export function describeInputProblems(locale: Locale, error: SchemaInputError): FieldError[] {
  const t = inputMessages(locale);
  const labels = error.labels?.(locale) ?? {};
  const described = new Map<string, FieldError>();
  for (const problem of meant(error.problems)) {
    if (problem.source === 'params' || problem.source === 'headers') {
      described.set('', { field: problem.source, reason: t('input.address') });
      continue;
    }
    const field = `${problem.source}.${problem.name}`;
    if (described.has(field)) continue;
    const label = labels[problem.name];
    const named = label ? t('input.labelled', { label }) : problem.name ? t('input.unnamed', { name: problem.name }) : t('input.whole');
    described.set(field, { field, reason: reason(t, problem, named) });
  }
  return [...described.values()];
}
