/**
 * Renewing a licence: a new draft on the service's current form, prefilled from the answers of
 * the application that led to the licence. Each answer is read again by the current form's own
 * rules (as if the applicant had typed it), so one that no longer fits (a field gone or changed,
 * a choice no longer offered, a number now out of range) is left out, and the applicant is told
 * which. Documents and the declaration are never carried over: they are given afresh.
 */
import type { DB } from '../db/connection.js';
import { holderEmailWith, licenceByNumber, type LicenceRow } from '../licences/licences.js';
import type { Keyring } from '../platform/crypto.js';
import { conflict, notFound } from '../platform/errors.js';
import { placeKeyOf, placesStillChosen } from './addresses.js';
import { groupItems, readField, type Answer, type Answers, type GroupItem } from './answers.js';
import { currentForm, startDraft } from './applications.js';
import { openAnswers } from './sealed.js';
import { allFields, type FieldDefinition, type FormDefinition } from './definition.js';
import * as store from './store.js';

/** The posted form a saved answer would have come from, so the form's own reader can check it again. */
function asPosted(field: FieldDefinition, value: Answer): Record<string, unknown> {
  if (field.type === 'date' && typeof value === 'string') {
    const [y, m, d] = value.split('-');
    return { [`${field.id}-day`]: String(Number(d)), [`${field.id}-month`]: String(Number(m)), [`${field.id}-year`]: y };
  }
  if (field.type === 'money' && typeof value === 'string') return { [field.id]: (Number(value) / 100).toFixed(2) };
  return { [field.id]: value };
}

const carried = (field: FieldDefinition, value: Answer | undefined, answers: Answers): Answer | undefined => {
  if (value === undefined || field.type === 'file' || field.type === 'declaration') return undefined;
  const { value: read, problem } = readField(field, asPosted(field, value), '', answers);
  return problem ? undefined : read;
};

/**
 * The last application's answers that still fit the current form, and the labels of those that
 * do not (in the words of the form they were given on).
 */
export function carryOver(previous: FormDefinition, current: FormDefinition, answers: Answers): { answers: Answers; dropped: string[] } {
  const kept: Answers = {};
  const dropped: string[] = [];
  const before = new Map(allFields(previous).map(({ field }) => [field.id, field]));
  const groupsBefore = new Set(previous.pages.flatMap((p) => (p.group ? [p.group.id] : [])));
  const now = new Set<string>();
  for (const page of current.pages) {
    if (page.group) {
      const group = page.group;
      now.add(group.id);
      for (const f of group.fields) now.add(f.id);
      const items: GroupItem[] = [];
      for (const [n, item] of groupItems(answers, group.id).slice(0, group.max).entries()) {
        const keptItem: GroupItem = {};
        for (const field of group.fields) {
          const value = item[field.id];
          if (value === undefined) continue;
          const read = before.get(field.id)?.type === field.type ? carried(field, value, kept) : undefined;
          if (read === undefined) dropped.push(`${field.label} (${group.itemName} ${n + 1})`);
          else keptItem[field.id] = read as string | string[];
        }
        if (Object.keys(keptItem).length > 0) items.push(keptItem);
      }
      if (items.length > 0) kept[group.id] = items;
      continue;
    }
    for (const field of page.fields ?? []) {
      now.add(field.id);
      const value = answers[field.id];
      if (value === undefined || field.type === 'file' || field.type === 'declaration') continue;
      const read = before.get(field.id)?.type === field.type ? carried(field, value, kept) : undefined;
      if (read === undefined) dropped.push(before.get(field.id)?.label ?? field.label);
      else kept[field.id] = read;
      if (field.type === 'address' && answers[placeKeyOf(field.id)] !== undefined) Object.assign(kept, placesStillChosen([field], { ...kept, [placeKeyOf(field.id)]: answers[placeKeyOf(field.id)] }));
    }
  }
  // Questions the current form no longer asks.
  for (const [id, field] of before) {
    if (!now.has(id) && answers[id] !== undefined && field.type !== 'file' && field.type !== 'declaration') dropped.push(field.label);
  }
  for (const id of groupsBefore) if (!now.has(id) && answers[id] !== undefined) dropped.push(previous.pages.find((p) => p.group?.id === id)!.title);
  return { answers: kept, dropped };
}

/** The licence a renewal would renew, if it can be renewed (not revoked) and came from an application. */
export async function renewableLicence(db: DB, jurisdictionId: string, number: string): Promise<{ licence: LicenceRow; application: NonNullable<Awaited<ReturnType<typeof store.findApplication>>> }> {
  const licence = await licenceByNumber(db, jurisdictionId, number);
  if (!licence) throw notFound('There is no licence with that number.');
  if (licence.status === 'revoked') throw conflict('This licence was revoked, so it cannot be renewed. Apply again instead.');
  const application = await store.findApplication(db, jurisdictionId, licence.case_id);
  if (!application) throw notFound('This licence was not issued from an online application, so it cannot be renewed here. Apply again instead.');
  return { licence, application };
}

/**
 * Starts the renewal of a licence: a draft on the current form, with what still fits of the
 * last application's answers and the holder's name and email. Returns the draft's id.
 */
export async function startRenewal(db: DB, keyring: Keyring, jurisdictionId: string, number: string, userId: number | null, language: string): Promise<string> {
  const { licence, application } = await renewableLicence(db, jurisdictionId, number);
  const form = await currentForm(db, jurisdictionId, application.service_code);
  const previous = JSON.parse(application.definition) as FormDefinition;
  const { answers, dropped } = carryOver(previous, form.definition, openAnswers(keyring, application.answers));
  const email = holderEmailWith(keyring, licence);
  return startDraft(db, keyring, jurisdictionId, form, userId, language, {
    answers, renewal: { licenceId: licence.id, number: licence.number, dropped },
    ...(email ? { contact: { name: licence.holder_name, email } } : {}),
  });
}
