/**
 * A form in the applicant's language: each of the form's own words replaced where the council
 * has translated it, the default where it has not, word by word (the catalogue's approach).
 */
import { pick } from '../catalogue/localize.js';
import type { FieldDefinition, FormDefinition, Option, TextTranslations } from './definition.js';

const words = (translations: TextTranslations | undefined, language: string): Record<string, string> =>
  (translations && Object.hasOwn(translations, language) ? translations[language] : undefined) ?? {};

const options = (list: Option[] | undefined, t: Record<string, string>) => list?.map((o) => ({ ...o, label: pick(t[`option.${o.value}`], o.label) }));

function localizeField(field: FieldDefinition, language: string): FieldDefinition {
  const t = words(field.translations, language);
  return { ...field, label: pick(t.label, field.label), ...(field.hint ? { hint: pick(t.hint, field.hint) } : {}), ...(field.options ? { options: options(field.options, t)! } : {}) };
}

export function localizeDefinition(definition: FormDefinition, language: string): FormDefinition {
  const t = words(definition.translations, language);
  return {
    ...definition,
    title: pick(t.title, definition.title),
    summary: pick(t.summary, definition.summary),
    howLong: pick(t.howLong, definition.howLong),
    ...(definition.licenceName ? { licenceName: pick(t.licenceName, definition.licenceName) } : {}),
    ...(definition.licencePermits ? { licencePermits: pick(t.licencePermits, definition.licencePermits) } : {}),
    whatYouNeed: definition.whatYouNeed.map((need, n) => pick(t[`need.${n}`], need)),
    eligibility: definition.eligibility.map((q) => {
      const qt = words(q.translations, language);
      return {
        ...q,
        question: pick(qt.question, q.question),
        ...(q.hint ? { hint: pick(qt.hint, q.hint) } : {}),
        options: q.options.map((o) => ({
          ...o,
          label: pick(qt[`option.${o.value}`], o.label),
          outcome: o.outcome.kind === 'continue' ? o.outcome : { ...o.outcome, reason: pick(qt[`reason.${o.value}`], o.outcome.reason) },
        })),
      };
    }),
    pages: definition.pages.map((page) => {
      const pt = words(page.translations, language);
      return {
        ...page,
        title: pick(pt.title, page.title),
        ...(page.hint ? { hint: pick(pt.hint, page.hint) } : {}),
        ...(page.section ? { section: pick(pt.section, page.section) } : {}),
        ...(page.fields ? { fields: page.fields.map((f) => localizeField(f, language)) } : {}),
        ...(page.group ? { group: { ...page.group, itemName: pick(words(page.group.translations, language).itemName, page.group.itemName), fields: page.group.fields.map((f) => localizeField(f, language)) } } : {}),
      };
    }),
    fees: definition.fees.map((s) => ({ ...s, rules: s.rules.map((r) => ({ ...r, label: pick(t[`fee.${r.label}`], r.label) })) })),
    ...(definition.inspection ? {
      inspection: {
        checklist: definition.inspection.checklist.map((item) => {
          const it = words(item.translations, language);
          return { ...item, label: pick(it.label, item.label), ...(item.hint ? { hint: pick(it.hint, item.hint) } : {}) };
        }),
      },
    } : {}),
  };
}
