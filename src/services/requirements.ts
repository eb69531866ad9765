import { Type, type Static } from 'typebox';
import { invalidInput, type FieldError } from '../platform/errors.ts';
import { toSimplified } from '../platform/i18n/index.ts';
import type { RequiredDocumentRow, ServiceRow } from './store.ts';

// What a citizen reads before applying: who can apply, and the documents to have ready.

export const MAX_DOCUMENTS = 20;
export const ELIGIBILITY_MAX = 2000;
export const DOCUMENT_LABEL_MAX = 200;
export const DOCUMENT_NOTE_MAX = 500;

export const Trilingual = Type.Object({ en: Type.String(), 'zh-HK': Type.String(), 'zh-CN': Type.String() });

const label = (description?: string) => Type.String({ minLength: 1, maxLength: DOCUMENT_LABEL_MAX, ...(description ? { description } : {}) });
const note = (description?: string) => Type.Optional(Type.String({ maxLength: DOCUMENT_NOTE_MAX, ...(description ? { description } : {}) }));
export const RequiredDocumentInput = Type.Object({
  labelEn: label(), labelZhHk: label(), labelZhCn: Type.Optional(label('Converted from labelZhHk when omitted')),
  noteEn: note('For example which copy or what it must show; give it with noteZhHk'), noteZhHk: note(), noteZhCn: note('Converted from noteZhHk when omitted'),
  mandatory: Type.Optional(Type.Boolean({ description: 'Every applicant needs it (the default); false: only some do', default: true })),
}, { additionalProperties: false });
export type RequiredDocumentInput = Static<typeof RequiredDocumentInput>;

export const RequirementsInput = {
  eligibilityEn: Type.Optional(Type.String({ maxLength: ELIGIBILITY_MAX, description: 'Who can apply; give it with eligibilityZhHk, or neither' })),
  eligibilityZhHk: Type.Optional(Type.String({ maxLength: ELIGIBILITY_MAX })),
  eligibilityZhCn: Type.Optional(Type.String({ maxLength: ELIGIBILITY_MAX, description: 'Converted from eligibilityZhHk when omitted' })),
  requiredDocuments: Type.Optional(Type.Array(RequiredDocumentInput, { maxItems: MAX_DOCUMENTS, description: 'The documents an applicant needs, in the order shown' })),
};
type RequirementsInput = { [K in keyof typeof RequirementsInput]?: Static<(typeof RequirementsInput)[K]> };

export const RequiredDocument = Type.Object({ label: Trilingual, note: Type.Union([Trilingual, Type.Null()]), mandatory: Type.Boolean() });
export type RequiredDocument = Static<typeof RequiredDocument>;
export const Requirements = { eligibility: Trilingual, requiredDocuments: Type.Array(RequiredDocument) };

/**
 * The columns for a service's requirements. A text given in one language needs the other written one too (citizens
 * read either); Simplified Chinese is converted when not given. Blank (only spaces) counts as not given.
 */
export function requirementColumns(input: RequirementsInput) {
  const errors: FieldError[] = [];
  const pair = (field: string, en: string | undefined, hk: string | undefined, cn: string | undefined, enName: string, hkName: string) => {
    const [e, h] = [en?.trim() ?? '', hk?.trim() ?? ''];
    if (e && !h) errors.push({ field: `${field}${hkName}`, reason: `is required when ${enName} is given` });
    if (h && !e) errors.push({ field: `${field}${enName}`, reason: `is required when ${hkName} is given` });
    return { en: e, 'zh-HK': h, 'zh-CN': h ? (cn?.trim() || toSimplified(h)) : '' };
  };
  const eligibility = pair('body.', input.eligibilityEn, input.eligibilityZhHk, input.eligibilityZhCn, 'eligibilityEn', 'eligibilityZhHk');
  const documents = (input.requiredDocuments ?? []).map((d, i): RequiredDocumentRow => {
    const at = `body.requiredDocuments.${i}.`;
    if (!d.labelEn.trim()) errors.push({ field: `${at}labelEn`, reason: 'is required' });
    if (!d.labelZhHk.trim()) errors.push({ field: `${at}labelZhHk`, reason: 'is required' });
    const text = pair(at, d.noteEn, d.noteZhHk, d.noteZhCn, 'noteEn', 'noteZhHk');
    const labelZhHk = d.labelZhHk.trim();
    return {
      label: { en: d.labelEn.trim(), 'zh-HK': labelZhHk, 'zh-CN': d.labelZhCn?.trim() || toSimplified(labelZhHk) },
      note: text.en ? text : null, mandatory: d.mandatory ?? true,
    };
  });
  if (errors.length > 0) throw invalidInput(errors, 'Who can apply and each required document need both English and Traditional Chinese.');
  return {
    eligibility_en: eligibility.en, eligibility_zh_hk: eligibility['zh-HK'], eligibility_zh_cn: eligibility['zh-CN'],
    required_documents: JSON.stringify(documents),
  };
}

export const presentRequirements = (row: ServiceRow) => ({
  eligibility: { en: row.eligibility_en, 'zh-HK': row.eligibility_zh_hk, 'zh-CN': row.eligibility_zh_cn },
  requiredDocuments: row.required_documents,
});

