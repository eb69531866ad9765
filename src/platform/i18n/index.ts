import { IntlMessageFormat } from 'intl-messageformat';
import * as OpenCC from 'opencc-js';

export const LOCALES = ['en', 'zh-HK', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-HK': '繁體中文', 'zh-CN': '简体中文' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The saved choice first, then the browser's Accept-Language, then English. */
export function negotiateLocale(saved: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(saved)) return saved;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('en')) return 'en';
    if (tag === 'zh-cn' || tag === 'zh-sg' || tag.startsWith('zh-hans')) return 'zh-CN';
    if (tag.startsWith('zh')) return 'zh-HK';
  }
  return DEFAULT_LOCALE;
}

const hkToCn = OpenCC.Converter({ from: 'hk', to: 'cn' });
const cnToHk = OpenCC.Converter({ from: 'cn', to: 'hk' });
export const toSimplified = (text: string): string => hkToCn(text);
export const toTraditional = (text: string): string => cnToHk(text);

export type Translate<K extends string> = (key: K, values?: Record<string, string | number | Date>) => string;

/**
 * A module's messages: English and Traditional Chinese written by people; Simplified Chinese converted
 * from Traditional by OpenCC unless a module gives its own wording. ICU syntax for plurals and values.
 */
export function defineMessages<const E extends Record<string, string>>(catalogue: {
  en: E;
  'zh-HK': Record<keyof E, string>;
  'zh-CN'?: Partial<Record<keyof E, string>>;
}): (locale: Locale) => Translate<Extract<keyof E, string>> {
  const texts: Record<Locale, Record<string, string>> = {
    en: catalogue.en,
    'zh-HK': catalogue['zh-HK'],
    'zh-CN': Object.fromEntries(Object.entries(catalogue['zh-HK']).map(([k, v]) => [k, catalogue['zh-CN']?.[k] ?? toSimplified(v)])),
  };
  const compiled = new Map<string, IntlMessageFormat>();
  const translators = Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      (key: string, values?: Record<string, string | number | Date>) => {
        const text = texts[locale][key] ?? texts.en[key] ?? key;
        if (!values && !text.includes('{')) return text;
        const id = `${locale}\u0000${key}`;
        let format = compiled.get(id);
        if (!format) compiled.set(id, (format = new IntlMessageFormat(text, locale)));
        return String(format.format(values));
      },
    ]),
  ) as unknown as Record<Locale, Translate<Extract<keyof E, string>>>;
  return (locale) => translators[locale];
}
