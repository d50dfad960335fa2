/**
 * The words the browser scripts (map.js, offline.js) show, in each language, taken from the same
 * message files as the pages. Served as /assets/i18n/<language>.json; a script reads the page's
 * <html lang> and fetches its file. Placeholders stay as {name} for the script to fill; plurals
 * are written out for every count the scripts can show.
 */
import { compile, type MessageKey } from '../i18n/i18n.js';
import { english, languages, type Language } from '../i18n/languages.js';

/** At most this many reports wait on a device (offline.js refuses more). */
export const MAX_OFFLINE_DRAFTS = 10;

const clientKey = (key: string) => key.startsWith('media.map.') || key.startsWith('offline.js.');

export function clientStrings(language: Language): Record<string, string | string[]> {
  const strings: Record<string, string | string[]> = {};
  for (const key of Object.keys(english.messages) as MessageKey[]) {
    if (!clientKey(key) || key === 'offline.js.waiting') continue;
    // Each placeholder is given its own name in braces, so the script can replace it.
    const names = [...english.messages[key].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    strings[key] = String(compile(language, key).format(Object.fromEntries(names.map((n) => [n, `{${n}}`]))));
  }
  strings['offline.js.waiting'] = Array.from({ length: MAX_OFFLINE_DRAFTS + 1 }, (_, count) => String(compile(language, 'offline.js.waiting').format({ count })));
  return strings;
}

/** Every language's strings as JSON files, by their name under /assets/. */
export const clientStringFiles = (): Array<[string, Buffer]> =>
  languages.map((language) => [`i18n/${language.code}.json`, Buffer.from(JSON.stringify(clientStrings(language)))]);
