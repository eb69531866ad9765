import type { CitizenActor, StaffActor } from '../platform/context.ts';
import type { Locale } from '../platform/i18n/index.ts';

/** What every page needs from the request; built once per request in platform/http/pages.ts. */
export interface PageContext {
  locale: Locale;
  lite: boolean;
  path: string;
  nonce: string;
  csrfToken: () => string;
  staff: StaffActor | undefined;
  citizen: CitizenActor | undefined;
  requestId: string;
  sampleData: boolean;
}
