import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { invalidInput, type FieldError } from '../platform/errors.ts';
import { requireCitizen } from '../platform/access.ts';
import * as store from './store.ts';

/** The e-ME fields a citizen edits; the email is the verified one from registration and is not edited here. */
export const EDITABLE_FIELDS = ['name_en', 'name_zh', 'date_of_birth', 'gender', 'residential_address', 'correspondence_address', 'phone'] as const;
/** OpenID Connect's `gender` values; empty means not given. */
export const GENDERS = ['female', 'male', 'other'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];
export type ProfileField = EditableField | 'email';

export interface ProfileValue { value: string; verified: boolean }
export type Profile = Partial<Record<ProfileField, ProfileValue>>;

export async function loadProfile(db: Db, citizenId: string): Promise<Profile> {
  return profileOf(await store.profileFields(db, citizenId));
}

export function profileOf(rows: { field: string; value: string; verified: boolean }[]): Profile {
  return Object.fromEntries(rows.map((r) => [r.field, { value: r.value, verified: r.verified }])) as Profile;
}

function validate(input: Partial<Record<EditableField, string>>): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of EDITABLE_FIELDS) {
    const value = input[field]?.trim() ?? '';
    if (value.length > 500) errors.push({ field, reason: 'Must be at most 500 characters' });
  }
  const dob = input.date_of_birth?.trim();
  if (dob && (!/^\d{4}-\d{2}-\d{2}$/.test(dob) || Number.isNaN(Date.parse(dob)) || new Date(dob) > new Date() || dob < '1900-01-01')) {
    errors.push({ field: 'date_of_birth', reason: 'Enter a real date of birth, as YYYY-MM-DD' });
  }
  const gender = input.gender?.trim();
  if (gender && !(GENDERS as readonly string[]).includes(gender)) errors.push({ field: 'gender', reason: 'Choose one of the options' });
  const phone = input.phone?.trim();
  if (phone && !/^\+?[0-9 ]{8,20}$/.test(phone)) errors.push({ field: 'phone', reason: 'Enter a phone number such as +852 9123 4567' });
  return errors;
}

/**
 * Saves the citizen's own changes. A changed value is self-declared (no longer verified); an unchanged one keeps
 * its status; an emptied field is removed.
 */
export async function updateProfile(db: Db, ctx: RequestContext, input: Partial<Record<EditableField, string>>): Promise<Profile> {
  const actor = requireCitizen(ctx.actor);
  const errors = validate(input);
  if (errors.length) throw invalidInput(errors);
  return db.transaction().execute(async (trx) => {
    const current = Object.fromEntries((await store.profileFields(trx, actor.id)).map((r) => [r.field, r]));
    const changed: string[] = [];
    for (const field of EDITABLE_FIELDS) {
      const value = input[field]?.trim() ?? '';
      const before = current[field];
      if (value === (before?.value ?? '')) continue;
      changed.push(field);
      if (value) await store.upsertProfileField(trx, { citizen_id: actor.id, field, value, verified: false });
      else await store.deleteProfileField(trx, actor.id, field);
    }
    // The audit names the fields changed, never their values: they are personal data.
    if (changed.length) await recordAudit(trx, ctx, { action: 'citizen.profile_updated', recordType: 'citizen', recordId: actor.id, detail: { fields: changed } });
    return Object.fromEntries((await store.profileFields(trx, actor.id)).map((r) => [r.field, { value: r.value, verified: r.verified }])) as Profile;
  });
}
