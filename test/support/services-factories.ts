import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/platform/db/database.ts';
import type { App } from '../../src/app.ts';
import { systemContext } from '../../src/platform/context.ts';
import { buildOrganisation } from './factories.ts';
import { csrfToken, type Client } from './app.ts';
import { multipartBody, type Part } from './multipart.ts';
import { buildCitizen, signInCitizen } from './identity-factories.ts';
import { generateServices } from '../../src/services/index.ts';
import * as store from '../../src/services/store.ts';
import type { FormDefinition } from '../../src/services/form-definition.ts';

export const uniqueSlug = (prefix = 'test-service') => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Makes sure the catalogue has at least `count` published services (with an organisation to own them). */
export async function buildCatalogue(db: Db, count: number): Promise<void> {
  await buildOrganisation(db);
  await generateServices(db, systemContext('test'), count);
}

/** A published service whose live form is `definition` (an organisation is made when none is given). */
export async function buildServiceWithForm(db: Db, definition: FormDefinition, overrides: { organisationId?: string; slug?: string; nameEn?: string; feeItemId?: string; feeCents?: number } = {}) {
  const organisationId = overrides.organisationId ?? (await buildOrganisation(db)).id;
  const nameEn = overrides.nameEn ?? 'Test licence';
  const service = await store.insertService(db, {
    organisation_id: organisationId, slug: overrides.slug ?? uniqueSlug(), category: 'transport', status: 'published', name_en: nameEn, name_zh_hk: '測試執照',
    name_zh_cn: '测试执照', summary_en: 'Apply online.', summary_zh_hk: '網上申請。', summary_zh_cn: '网上申请。', pledge_working_days: 5,
    fee_item_id: overrides.feeItemId ?? null, fee_cents: overrides.feeCents ?? 0, contact_email: null, published_at: new Date(), search_terms: [],
  });
  const form = await store.insertForm(db, service.id, definition);
  await store.makeFormLive(db, form);
  return { service, form };
}

/** A new citizen, signed in, who has started applying for the service at `slug` (the draft's id). */
export async function startApplicationAsNewCitizen(app: App, db: Db, slug: string): Promise<{ citizen: Client; id: string }> {
  const citizen = await signInCitizen(app, await buildCitizen(db));
  const started = await citizen.submit(`/services/${slug}`, `/services/${slug}/apply`, {});
  const id = /\/applications\/([0-9a-f-]{36})\//.exec(started.headers.location as string ?? '')?.[1];
  if (started.statusCode !== 303 || !id) throw new Error(`starting an application for ${slug} failed: ${started.statusCode}`);
  return { citizen, id };
}

export interface FilePart { name: string; content: Buffer | string; type?: string }

/** Posts a multipart form the way a browser does: the CSRF token from `formPage` as a field, files by field name. */
export async function submitMultipart(client: Client, formPage: string, action: string, fields: Record<string, string>, files: Record<string, FilePart> = {}, withToken = true) {
  const token = withToken ? { _csrf: csrfToken((await client.get(formPage)).body) } : {};
  const parts: Part[] = [
    ...Object.entries({ ...fields, ...token }).map(([field, value]) => ({ field, value })),
    ...Object.entries(files).map(([field, file]) => ({ field, file: file.name, content: file.content, ...(file.type ? { type: file.type } : {}) })),
  ];
  return client.request({ method: 'POST', url: action, ...multipartBody(parts) });
}

/** Small files whose first bytes make them what their names say. */
export const SAMPLE_FILES = {
  png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('sample image bytes')]),
  pdf: Buffer.from('%PDF-1.4\n% sample document\n%%EOF\n'),
  exe: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]),
};
