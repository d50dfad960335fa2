/**
 * Translation: which language a request gets, and `t(key, values)` in that language. Messages
 * are ICU MessageFormat (intl-messageformat): plurals and selects follow each language's rules
 * (Arabic has six plural forms). Each message is compiled once, on first use, and cached.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IntlMessageFormat } from 'intl-messageformat';
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { readCookie, setCookie } from '../platform/cookies.js';
import { english, englishMessages, languageByCode, type EnglishSpelling, type Language } from './languages.js';
import { en, type MessageKey } from './messages/en.js';

export { languages, type Language } from './languages.js';
export type { MessageKey } from './messages/en.js';

/** The remembered choice: a preference, readable by this site only, kept a year. */
export const LANGUAGE_COOKIE = 'townhall_lang';
const YEAR = 365 * 24 * 60 * 60;

/** Values for placeholders; for `rich`, tags (<link>...</link>) are functions of their content. */
export type Values = Record<string, string | number>;
export type RichValues = Record<string, string | number | ((chunks: ComponentChildren[]) => ComponentChildren)>;

export interface Translator {
  language: Language;
  /** A message as plain text. */
  t(key: MessageKey, values?: Values): string;
  /** A message with tags made into elements (links inside a sentence, and the like). */
  rich(key: MessageKey, values: RichValues): ComponentChildren;
  /** A sentence written in English elsewhere (a domain error), translated when it is a known one. */
  known(message: string): string;
  /** A number of minutes as words: "15 minutes", "1 hour", "7 days". */
  duration(minutes: number): string;
}

const compiled = new Map<string, IntlMessageFormat>();

export function compile(language: Language, key: MessageKey): IntlMessageFormat {
  const id = `${language.code}\u0000${key}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(language.messages[key], language.code);
    compiled.set(id, format);
  }
  return format;
}

const knownKeys = new Map<string, MessageKey>(
  (Object.keys(en) as MessageKey[]).filter((key) => key.startsWith('known.')).map((key) => [en[key], key]),
);

const translators = new Map<string, Translator>();

/**
 * A value set into right-to-left text as a unit of its own (Unicode first-strong isolate), so a
 * reference number, an English name, an address or an email address keeps its own direction and
 * does not reorder the sentence around it. Left-to-right text is returned as it is. Web
 * addresses stay bare: mail programs find links by their characters, and a link alone on its
 * line reads correctly either way. (In pages, elements use <bdi> instead.)
 */
export function isolateFor(language: Language | undefined, text: string): string {
  if (language?.dir !== 'rtl' || text.trim() === '' || /^(https?:\/\/|mailto:)\S*$/.test(text.trim())) return text;
  return `\u2068${text}\u2069`;
}

let englishSpelling: EnglishSpelling = 'en-GB';

/**
 * The locale dates and times are written in for a page's language: English pages follow the
 * council's English (British "3 Dec 2026, 14:05", American "Dec 3, 2026, 2:05 PM"), as their words do.
 */
export const formattingLocale = (languageCode: string): string => (languageCode === english.code ? englishSpelling : languageCode);

/**
 * Uses the council's English spelling (TOWNHALL_ENGLISH_SPELLING) for every English page and
 * message of this process: one council per process, so one spelling throughout, never a mix.
 */
export function useEnglishSpelling(spelling: EnglishSpelling): void {
  englishSpelling = spelling;
  const messages = englishMessages(spelling);
  if (english.messages === messages || JSON.stringify(english.messages) === JSON.stringify(messages)) return;
  english.messages = messages;
  for (const id of [...compiled.keys()]) if (id.startsWith(`${english.code}\u0000`)) compiled.delete(id);
}

export function translator(language: Language): Translator {
  const cached = translators.get(language.code);
  if (cached) return cached;
  const t = (key: MessageKey, values?: Values) => String(compile(language, key).format(values));
  const made: Translator = {
    language,
    t,
    rich: (key, values) => compile(language, key).format<ComponentChildren>(values),
    known: (message) => {
      const key = knownKeys.get(message);
      return key ? t(key) : message;
    },
    duration: (minutes) => minutes % 1440 === 0 ? t('duration.days', { count: minutes / 1440 })
      : minutes % 60 === 0 ? t('duration.hours', { count: minutes / 60 }) : t('duration.minutes', { count: minutes }),
  };
  translators.set(language.code, made);
  return made;
}

/** The best supported language in an Accept-Language header ("es-MX,es;q=0.9,en;q=0.5"), if any. */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranges = header.split(',').slice(0, 20).map((part, index) => {
    const [tag = '', ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
  }).filter((r) => r.tag !== '' && r.q > 0 && !Number.isNaN(r.q)).sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if (range.tag === '*') return english;
    const found = languageByCode(range.tag) ?? languageByCode(range.tag.split('-')[0]);
    if (found) return found;
  }
  return undefined;
}

const queryLanguage = (request: FastifyRequest) => {
  const value = (request.query as Record<string, unknown> | undefined)?.lang;
  return typeof value === 'string' ? languageByCode(value) : undefined;
};

/** The request's language: `?lang=`, else the remembered choice, else Accept-Language, else English. */
export function languageFor(request: FastifyRequest): Language {
  return queryLanguage(request) ?? languageByCode(readCookie(request, LANGUAGE_COOKIE))
    ?? fromAcceptLanguage(request.headers['accept-language']) ?? english;
}

const byRequest = new WeakMap<FastifyRequest, Translator>();

/** The translator for this request's language. */
export function translate(request: FastifyRequest): Translator {
  let found = byRequest.get(request);
  if (!found) {
    found = translator(languageFor(request));
    byRequest.set(request, found);
  }
  return found;
}

/**
 * Remembers a language chosen by link (`?lang=`). Setting this cookie on a GET is safe: it is
 * the person's display preference, not a change to any record, and a forged link can at worst
 * show the site in another language, which the switcher on every page undoes.
 */
const remembered = new WeakSet<FastifyRequest>();
export function rememberChoice(request: FastifyRequest, reply: FastifyReply): void {
  if (remembered.has(request)) return;
  remembered.add(request);
  const chosen = request.method === 'GET' || request.method === 'HEAD' ? queryLanguage(request) : undefined;
  if (!chosen || readCookie(request, LANGUAGE_COOKIE) === chosen.code) return;
  setCookie(reply, LANGUAGE_COOKIE, chosen.code, { secure: request.server.site.secure, maxAge: YEAR });
}

/** Components read the page's translator from here; renderPage provides it. */
export const TranslatorContext = createContext<Translator>(translator(english));
export const useTranslator = (): Translator => useContext(TranslatorContext);
