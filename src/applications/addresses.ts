/**
 * Address fields and the gazetteer: the applicant may find the address in the council's places
 * index (search, list of matches, choose) or type it. A chosen place is kept beside the field's
 * answer (the answer stays the address as words, which every reader of answers shows) under
 * "<field id>:place", a key no field id can take, with the place's id, label and coordinates.
 * Typing a different address afterwards lets the chosen place go.
 */
import type { Place } from '../places/places.js';
import type { FieldDefinition, FormDefinition } from './definition.js';

/** The answers as this file needs them (answers.ts imports this file, so not its type). */
type Answers = Record<string, unknown>;

export interface ChosenPlace { id: number; label: string; lat: number; long: number }

export const placeKeyOf = (fieldId: string) => `${fieldId}:place`;

/** The place chosen from the gazetteer for an address field, if the answer is still its label. */
export function chosenPlace(answers: Answers, fieldId: string): ChosenPlace | null {
  const stored = answers[placeKeyOf(fieldId)];
  if (typeof stored !== 'string') return null;
  try {
    const place = JSON.parse(stored) as ChosenPlace;
    const fine = Number.isInteger(place.id) && typeof place.label === 'string' && Number.isFinite(place.lat) && Number.isFinite(place.long);
    return fine && answers[fieldId] === place.label ? place : null;
  } catch {
    return null;
  }
}

/** The answers once a place is chosen for the field: its label as the answer, the place beside it. */
export const withChosenPlace = <T extends Answers>(answers: T, fieldId: string, place: ChosenPlace): T =>
  ({ ...answers, [fieldId]: place.label, [placeKeyOf(fieldId)]: JSON.stringify({ id: place.id, label: place.label, lat: place.lat, long: place.long }) });

/** The chosen places of these fields that still match their answers (for keeping across a page's post). */
export function placesStillChosen(fields: FieldDefinition[], answers: Answers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const field of fields) {
    if (field.type !== 'address') continue;
    if (chosenPlace(answers, field.id)) kept[placeKeyOf(field.id)] = answers[placeKeyOf(field.id)] as string;
  }
  return kept;
}

/** Every address field's chosen place, by the field: for the answers kept with an application. */
export function chosenPlaces(definition: FormDefinition, answers: Answers): Record<string, string> {
  return placesStillChosen(definition.pages.flatMap((page) => page.fields ?? []), answers);
}

/** A gazetteer search just made on one of a page's address fields, and what it found. */
export interface AddressSearch { field: string; query: string; results: Place[]; numberNotFound: string | null }
