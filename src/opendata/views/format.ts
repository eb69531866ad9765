import { toSimplified, type Locale } from '../../platform/i18n/index.ts';
import { categoryById } from '../catalogue.ts';

export function categoryTitle(id: string, locale: Locale): string {
  const c = categoryById(id);
  if (!c) return id;
  return locale === 'en' ? c.en : locale === 'zh-HK' ? c.hk : toSimplified(c.hk);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export const pick = <T,>(locale: Locale, en: T, hk: T, cn: T): T => (locale === 'en' ? en : locale === 'zh-HK' ? hk : cn);
