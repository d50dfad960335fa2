/**
 * The words of a form a council translates (the keys `localize.ts` reads), listed in the order
 * an applicant meets them, each with where it is, its English and its translation; and setting
 * one language's translations from that list.
 */
import type { FormDefinition, TextTranslations } from './definition.js';

type Holder = { translations?: TextTranslations };

export interface FormWord {
  /** Where the word is, for the officer: "Page 'The trees': title". */
  where: string;
  english: string;
  key: string;
  holder: (definition: FormDefinition) => Holder;
}

export function formWords(definition: FormDefinition): FormWord[] {
  const words: FormWord[] = [];
  const add = (where: string, english: string | undefined, key: string, holder: (d: FormDefinition) => Holder) => {
    if (english) words.push({ where, english, key, holder });
  };
  const form = (d: FormDefinition) => d;
  add('Form: title', definition.title, 'title', form);
  add('Form: summary', definition.summary, 'summary', form);
  add('Form: how long it takes', definition.howLong, 'howLong', form);
  add('Licence: its name', definition.licenceName, 'licenceName', form);
  add('Licence: what it permits', definition.licencePermits, 'licencePermits', form);
  definition.whatYouNeed.forEach((need, n) => add(`What you need ${n + 1}`, need, `need.${n}`, form));
  definition.eligibility.forEach((q, i) => {
    const holder = (d: FormDefinition) => d.eligibility[i]!;
    add(`Eligibility question ${i + 1}`, q.question, 'question', holder);
    add(`Eligibility question ${i + 1}: hint`, q.hint, 'hint', holder);
    for (const option of q.options) {
      add(`Eligibility question ${i + 1}: answer ${option.value}`, option.label, `option.${option.value}`, holder);
      if (option.outcome.kind !== 'continue') add(`Eligibility question ${i + 1}: why (${option.value})`, option.outcome.reason, `reason.${option.value}`, holder);
    }
  });
  definition.pages.forEach((page, i) => {
    const holder = (d: FormDefinition) => d.pages[i]!;
    add(`Page ${i + 1}: title`, page.title, 'title', holder);
    add(`Page ${i + 1}: hint`, page.hint, 'hint', holder);
    add(`Page ${i + 1}: section`, page.section, 'section', holder);
    if (page.group) add(`Page ${i + 1}: what one item is called`, page.group.itemName, 'itemName', (d) => d.pages[i]!.group!);
    const fields = page.group?.fields ?? page.fields ?? [];
    fields.forEach((field, j) => {
      const fieldHolder = (d: FormDefinition) => (d.pages[i]!.group?.fields ?? d.pages[i]!.fields ?? [])[j]!;
      add(`Page ${i + 1}, ${field.id}: question`, field.label, 'label', fieldHolder);
      add(`Page ${i + 1}, ${field.id}: hint`, field.hint, 'hint', fieldHolder);
      for (const option of field.options ?? []) add(`Page ${i + 1}, ${field.id}: answer ${option.value}`, option.label, `option.${option.value}`, fieldHolder);
    });
  });
  const feeLabels = new Set(definition.fees.flatMap((s) => s.rules.map((r) => r.label)));
  for (const label of feeLabels) add(`Fee: ${label}`, label, `fee.${label}`, form);
  return words;
}

/** The translation of each word in a language ('' when there is none). */
export const translationsOf = (definition: FormDefinition, language: string): string[] =>
  formWords(definition).map((w) => w.holder(definition).translations?.[language]?.[w.key] ?? '');

/** Sets a language's words (one per `formWords` entry, in order); an empty one removes that translation. */
export function setTranslations(definition: FormDefinition, language: string, typed: string[]): FormDefinition {
  formWords(definition).forEach((word, n) => {
    const holder = word.holder(definition);
    const text = (typed[n] ?? '').trim();
    if (text === '') {
      if (holder.translations?.[language]) delete holder.translations[language][word.key];
    } else {
      holder.translations ??= {};
      holder.translations[language] = { ...(holder.translations[language] ?? {}), [word.key]: text };
    }
    if (holder.translations?.[language] && Object.keys(holder.translations[language]).length === 0) delete holder.translations[language];
    if (holder.translations && Object.keys(holder.translations).length === 0) delete holder.translations;
  });
  return definition;
}
