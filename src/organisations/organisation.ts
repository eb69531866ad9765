import { Type, type Static } from 'typebox';
import type { Db } from '../platform/db/database.ts';
import type { RequestContext } from '../platform/context.ts';
import { requireRole } from '../platform/access.ts';
import { recordAudit } from '../platform/audit/index.ts';
import { conflict, invalidInput, notFound } from '../platform/errors.ts';
import { toSimplified, type Locale } from '../platform/i18n/index.ts';
import * as store from './store.ts';

export const OrganisationInput = Type.Object({
  code: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'Short code in capitals, e.g. TD' }),
  kind: Type.Union([Type.Literal('bureau'), Type.Literal('department'), Type.Literal('public_body')]),
  parentCode: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' })),
  nameEn: Type.String({ minLength: 1, maxLength: 200 }),
  nameZhHk: Type.String({ minLength: 1, maxLength: 200 }),
  nameZhCn: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Converted from nameZhHk when omitted' })),
}, { additionalProperties: false });
export type OrganisationInput = Static<typeof OrganisationInput>;

export const Organisation = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  kind: Type.String(),
  parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  name: Type.Object({ en: Type.String(), 'zh-HK': Type.String(), 'zh-CN': Type.String() }),
});
export type Organisation = Static<typeof Organisation>;

export function presentOrganisation(row: store.OrganisationRow): Organisation {
  return { id: row.id, code: row.code, kind: row.kind, parentId: row.parent_id, name: { en: row.name_en, 'zh-HK': row.name_zh_hk, 'zh-CN': row.name_zh_cn } };
}

export const organisationName = (organisation: Organisation, locale: Locale) => organisation.name[locale];

/** Organisations are public facts: anyone may list them. */
export async function listOrganisations(db: Db): Promise<Organisation[]> {
  return (await store.listOrganisations(db)).map(presentOrganisation);
}

export async function getOrganisation(db: Db, code: string): Promise<Organisation> {
  const row = await store.organisationByCode(db, code);
  if (!row) throw notFound('The organisation');
  return presentOrganisation(row);
}

export async function getOrganisationById(db: Db, id: string): Promise<Organisation | undefined> {
  const row = await store.organisationById(db, id);
  return row ? presentOrganisation(row) : undefined;
}

/** Only platform admins create organisations. */
export async function createOrganisation(db: Db, ctx: RequestContext, input: OrganisationInput): Promise<Organisation> {
  requireRole(ctx.actor, 'platform_admin');
  return db.transaction().execute(async (trx) => {
    if (await store.organisationByCode(trx, input.code)) throw conflict(`An organisation with code ${input.code} already exists.`);
    let parentId: string | null = null;
    if (input.parentCode) {
      const parent = await store.organisationByCode(trx, input.parentCode);
      if (!parent) throw invalidInput([{ field: 'body.parentCode', reason: 'does not name an existing organisation' }]);
      parentId = parent.id;
    }
    const row = await store.insertOrganisation(trx, {
      code: input.code, kind: input.kind, parent_id: parentId,
      name_en: input.nameEn.trim(), name_zh_hk: input.nameZhHk.trim(), name_zh_cn: (input.nameZhCn ?? toSimplified(input.nameZhHk)).trim(),
    });
    await recordAudit(trx, ctx, { action: 'organisation.created', recordType: 'organisation', recordId: row.id, organisationId: row.id, detail: { code: row.code } });
    return presentOrganisation(row);
  });
}
