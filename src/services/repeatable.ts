import type { Db } from '../platform/db/database.ts';
import { conflict, invalidInput, notFound } from '../platform/errors.ts';
import { answerProblem, entryCount, entryKey, nextStepId, stepComplete, type Answers, type FormStep } from './form-definition.ts';
import type { ApplicationView } from './application.ts';
import * as store from './store.ts';

// Repeatable steps ("add another"): the citizen saves one entry at a time, can change or remove any, and continues once
// there are enough. Entries live in the flat answers as `questionId[n]`, numbered from 0 without gaps.

function repeatableStep(view: ApplicationView, stepId: string): FormStep & { repeat: NonNullable<FormStep['repeat']> } {
  if (view.application.status !== 'draft') throw conflict('This application has been submitted and can no longer be changed.');
  const step = view.definition.steps.find((s) => s.id === stepId);
  if (!step?.repeat) throw notFound('That step');
  return step as FormStep & { repeat: NonNullable<FormStep['repeat']> };
}

const gone = async (db: Db, id: string) => ((await store.applicationById(db, id)) ? conflict('This application has been submitted and can no longer be changed.') : notFound('The application'));

/** Saves entry `entry` (an existing one, or the next new one), checked like an ordinary step's answers. */
export async function saveEntry(db: Db, view: ApplicationView, stepId: string, entry: number, input: Answers): Promise<void> {
  const step = repeatableStep(view, stepId);
  const count = entryCount(step, view.application.answers);
  if (entry > count) throw notFound('That entry');
  if (entry >= step.repeat.max) throw invalidInput([{ field: 'entries', reason: 'too_many' }], `At most ${step.repeat.max} entries.`);
  const fields = step.questions.flatMap((q) => {
    const problem = answerProblem(q, input[q.id]);
    return problem ? [{ field: q.id, reason: problem }] : [];
  });
  if (fields.length) throw invalidInput(fields, 'Some answers need attention.');
  const set = Object.fromEntries(step.questions.map((q) => {
    const value = (input[q.id] ?? '').trim();
    return [entryKey(q.id, entry), q.type === 'id_number' ? value.toUpperCase() : value];
  }));
  if (!(await store.mergeDraftAnswers(db, view.application.id, set))) throw await gone(db, view.application.id);
}

/** Removes an entry; the later ones move up one, so entries stay numbered without gaps. */
export async function removeEntry(db: Db, view: ApplicationView, stepId: string, entry: number): Promise<void> {
  const step = repeatableStep(view, stepId);
  const answers = view.application.answers;
  const count = entryCount(step, answers);
  if (entry >= count) throw notFound('That entry');
  const remove = step.questions.map((q) => entryKey(q.id, count - 1));
  const set: Answers = {};
  for (let i = entry; i < count - 1; i++) for (const q of step.questions) set[entryKey(q.id, i)] = answers[entryKey(q.id, i + 1)] ?? '';
  if (!(await store.rewriteDraftAnswers(db, view.application.id, remove, set))) throw await gone(db, view.application.id);
}

/** Continuing from a repeatable step: only with between min and max entries, each fully answered. */
export function finishEntries(view: ApplicationView, step: FormStep): string {
  const answers = view.application.answers;
  const count = entryCount(step, answers);
  if (count < (step.repeat?.min ?? 0)) throw invalidInput([{ field: 'entries', reason: 'too_few' }], `At least ${step.repeat?.min} entries.`);
  if (!stepComplete(step, answers)) throw invalidInput([{ field: 'entries', reason: 'too_many' }], `At most ${step.repeat?.max} entries.`);
  return nextStepId(view.definition, answers, step.id);
}
