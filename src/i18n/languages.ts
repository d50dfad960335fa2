/**
 * The languages of the resident portal. Adding one is adding its messages file (a copy of
 * messages/en.ts, translated) and one entry here; the tests then check it has every key.
 */
import { ar } from './messages/ar.js';
import { en, type Messages } from './messages/en.js';
import { enUsSpelling } from './messages/en-us.js';
import { es } from './messages/es.js';

export interface Language {
  /** BCP 47 tag, as used in `lang`, `hreflang`, `?lang=` and Accept-Language. */
  code: string;
  /** The language's name in itself, as the switcher shows it. */
  name: string;
  dir: 'ltr' | 'rtl';
  messages: Messages;
}

export const languages: readonly Language[] = [
  { code: 'en', name: 'English', dir: 'ltr', messages: en },
  { code: 'es', name: 'Español', dir: 'ltr', messages: es },
  { code: 'ar', name: 'العربية', dir: 'rtl', messages: ar },
];

export const english: Language = languages[0]!;

export const languageByCode = (code: string | undefined): Language | undefined =>
  code === undefined ? undefined : languages.find((l) => l.code === code.toLowerCase());

export const englishSpellings = ['en-GB', 'en-US'] as const;
export type EnglishSpelling = (typeof englishSpellings)[number];

/** The English messages in the council's spelling: the base (en-GB), or with the en-US words in place. */
export function englishMessages(spelling: EnglishSpelling): Messages {
  return spelling === 'en-US' ? { ...en, ...enUsSpelling } as Messages : en;
}
