/**
 * A service as a resident reads it in their language: each field in that language where the
 * council has translated it, and in the council's default language (the row's own columns)
 * where it has not, field by field, so a half-translated service still reads whole.
 */
import type { AttributeTranslation, Service, ServiceAttribute, ServiceTranslation, Translations } from './types.js';

/** A translated text, or the default when the translation is missing or blank. */
export const pick = (translated: string | undefined, fallback: string): string =>
  typeof translated === 'string' && translated.trim() !== '' ? translated : fallback;

const pickNullable = (translated: string | undefined, fallback: string | null): string | null =>
  typeof translated === 'string' && translated.trim() !== '' ? translated : fallback;

function inLanguage<T>(translations: Translations<T> | undefined, language: string): Partial<T> {
  return (translations && Object.hasOwn(translations, language) ? translations[language] : undefined) ?? {};
}

export function localizeAttribute(attribute: ServiceAttribute, language: string): ServiceAttribute {
  const t: Partial<AttributeTranslation> = inLanguage(attribute.translations, language);
  const names = t.values && typeof t.values === 'object' ? t.values : {};
  return {
    ...attribute,
    description: pick(t.description, attribute.description),
    helpText: pickNullable(t.helpText, attribute.helpText),
    values: attribute.values.map((v) => ({ key: v.key, name: pick(Object.hasOwn(names, v.key) ? names[v.key] : undefined, v.name) })),
  };
}

/** The service in `language`; the default language (or an unknown one) gives it unchanged. */
export function localizeService(service: Service, language: string): Service {
  const t: Partial<ServiceTranslation> = inLanguage(service.translations, language);
  const group = inLanguage(service.groupTranslations, language);
  const keywords = Array.isArray(t.keywords) ? t.keywords.filter((k) => typeof k === 'string' && k.trim() !== '') : [];
  return {
    ...service,
    name: pick(t.name, service.name),
    description: pick(t.description, service.description),
    groupName: pick(group.name, service.groupName),
    keywords: keywords.length > 0 ? keywords : service.keywords,
    serviceNotice: pickNullable(t.serviceNotice, service.serviceNotice),
    agencyResponsible: pickNullable(t.agencyResponsible, service.agencyResponsible),
    attributes: service.attributes.map((a) => localizeAttribute(a, language)),
  };
}

/** Whether the text a resident reads comes in `language` rather than the default, field by field. */
export function missingTranslations(service: Service, language: string): string[] {
  const t: Partial<ServiceTranslation> = inLanguage(service.translations, language);
  const missing: string[] = [];
  if (pick(t.name, '') === '') missing.push('name');
  if (service.description.trim() !== '' && pick(t.description, '') === '') missing.push('description');
  if (service.serviceNotice && pick(t.serviceNotice, '') === '') missing.push('serviceNotice');
  for (const a of service.attributes) {
    const at: Partial<AttributeTranslation> = inLanguage(a.translations, language);
    if (pick(at.description, '') === '') missing.push(`${a.code}.description`);
    if (a.helpText && pick(at.helpText, '') === '') missing.push(`${a.code}.helpText`);
    for (const v of a.values) if (pick(at.values?.[v.key], '') === '') missing.push(`${a.code}.${v.key}`);
  }
  return missing;
}

/**
 * Every language's words a service can be found by, as extra keywords: a resident may type
 * the word they know ("bache") while reading the site in another language.
 */
export function wordsInEveryLanguage(service: Service): string[] {
  const words: string[] = [service.name, ...service.keywords];
  for (const t of Object.values(service.translations ?? {})) {
    if (typeof t.name === 'string') words.push(t.name);
    if (Array.isArray(t.keywords)) words.push(...t.keywords.filter((k) => typeof k === 'string'));
  }
  return words;
}
