/**
 * The gazetteer: addresses, streets and areas with their coordinates, so a resident can say
 * where a problem is by typing an address instead of using a map. Searching forgives typing
 * mistakes (see catalogue/search.ts); a house number must match exactly.
 */
import type { Bounds } from '../config.js';
import type { DB } from '../db/connection.js';
import type { PlaceTable } from '../db/schema.js';
import { bestMatch, fold, queryTerms } from '../catalogue/search.js';

export type PlaceKind = 'address' | 'street' | 'area';
export const placeKinds: readonly PlaceKind[] = ['address', 'street', 'area'];

export interface Place {
  id: number;
  kind: PlaceKind;
  name: string;
  lat: number;
  long: number;
  bounds: Bounds | null;
}

/** A place to add: what the demo seed and the CSV import give. */
export type PlaceInput = Omit<Place, 'id'>;

type PlaceRow = Pick<PlaceTable, 'kind' | 'name' | 'search_key' | 'lat' | 'long' | 'min_lat' | 'min_long' | 'max_lat' | 'max_long'> & { id: number };

const toPlace = (row: PlaceRow): Place => ({
  id: Number(row.id),
  kind: row.kind,
  name: row.name,
  lat: Number(row.lat),
  long: Number(row.long),
  bounds: row.min_lat === null || row.min_long === null || row.max_lat === null || row.max_long === null ? null
    : { minLat: Number(row.min_lat), minLong: Number(row.min_long), maxLat: Number(row.max_lat), maxLong: Number(row.max_long) },
});

/** "12", "12a": a house number, matched exactly. */
const houseNumber = /^\d+[a-z]?$/;

/**
 * The usual abbreviations of street types, each written out: a name and a query are compared
 * in the long form, so "Market St.", "market st" and "Market Street" are the same words, and a
 * typing mistake in the long form ("stret") is still close to it.
 */
const STREET_WORDS: Record<string, string> = {
  st: 'street', str: 'street', rd: 'road', ave: 'avenue', av: 'avenue', avn: 'avenue', blvd: 'boulevard', bd: 'boulevard',
  dr: 'drive', ln: 'lane', pl: 'place', ct: 'court', ter: 'terrace', terr: 'terrace', aly: 'alley', cir: 'circle',
  cres: 'crescent', cl: 'close', plz: 'plaza', sq: 'square', hwy: 'highway', pkwy: 'parkway', expy: 'expressway',
  fwy: 'freeway', wy: 'way', gdns: 'gardens', gr: 'grove', mt: 'mount', hts: 'heights', trl: 'trail', bldg: 'building',
};

/** A folded text with street-type abbreviations written out ("12 market st" → "12 market street"). */
export function placeKey(text: string): string {
  return fold(text).split(' ').map((word) => STREET_WORDS[word] ?? word).join(' ');
}

/** The house number an address starts with, as a number ("12a" → 12), or null. */
const numberOf = (key: string): number | null => {
  const match = /^(\d+)[a-z]?(?: |$)/.exec(key);
  return match ? Number(match[1]) : null;
};

/** Streets and areas before single addresses when both match equally well. */
const kindOrder: Record<PlaceKind, number> = { area: 0, street: 1, address: 2 };

/**
 * How well a place's folded name answers the query's words: every word must be found in the
 * name (exactly, as the start of a word, or with a small typing mistake), else 0.
 */
function placeScore(terms: Array<{ text: string; covers: number[]; seen: Map<string, number> }>, wordCount: number, key: string): number {
  const words = key.split(' ');
  const searchable = [...words, ...words.slice(1).map((w, i) => words[i]! + w)];
  const perWord = new Array<number>(wordCount).fill(0);
  for (const term of terms) {
    let quality = 0;
    for (const word of searchable) {
      // Many places share words ("st", "ave"): each word is compared with the query once.
      let q = term.seen.get(word);
      if (q === undefined) term.seen.set(word, q = bestMatch(term.text, [word]));
      if (q > quality) quality = q;
    }
    for (const index of term.covers) perWord[index] = Math.max(perWord[index]!, quality);
  }
  return perWord.every((q) => q > 0) ? perWord.reduce((a, b) => a + b, 0) : 0;
}

/** Words of a place search that count; the rest are ignored. */
export const MAX_WORDS = 8;

/** How long this process keeps a jurisdiction's search keys before reading them again. */
export const INDEX_MS = 3 * 60_000;

interface IndexRow { id: number; kind: PlaceKind; search_key: string; lat: number; long: number }
interface Index { at: number; generation: number; rows: Promise<IndexRow[]> }

/** Per database, per jurisdiction: the (id, kind, search key) of every place, read once every few minutes. */
const indexes = new WeakMap<DB, Map<string, Index>>();
/** Bumped when this process changes a jurisdiction's places, so its index is read again. */
const generations = new Map<string, number>();

/** Forgets this process's index of a jurisdiction's places (after a change to them). */
export function forgetPlaceIndex(jurisdictionId: string): void {
  generations.set(jurisdictionId, (generations.get(jurisdictionId) ?? 0) + 1);
}

function placeIndex(db: DB, jurisdictionId: string): Promise<IndexRow[]> {
  let perDb = indexes.get(db);
  if (!perDb) indexes.set(db, (perDb = new Map()));
  const generation = generations.get(jurisdictionId) ?? 0;
  const known = perDb.get(jurisdictionId);
  if (known && known.generation === generation && Date.now() - known.at < INDEX_MS) return known.rows;
  const rows = db.selectFrom('places').select(['id', 'kind', 'search_key', 'lat', 'long']).where('jurisdiction_id', '=', jurisdictionId).execute()
    .then((found) => found.map((row) => ({ id: Number(row.id), kind: row.kind, search_key: placeKey(row.search_key), lat: Number(row.lat), long: Number(row.long) })));
  const entry: Index = { at: Date.now(), generation, rows };
  perDb.set(jurisdictionId, entry);
  // A failed read is not kept: the next search tries again.
  rows.catch(() => {
    if (perDb.get(jurisdictionId) === entry) perDb.delete(jurisdictionId);
  });
  return rows;
}

/** Places whose name matches the query, forgiving small typing mistakes; best first. */
export async function searchPlaces(db: DB, jurisdictionId: string, query: string, options: { kinds?: PlaceKind[]; limit?: number } = {}): Promise<Place[]> {
  return (await findPlaces(db, jurisdictionId, query, options)).places;
}

export interface PlaceSearch {
  places: Place[];
  /**
   * The house number asked for when the gazetteer has no such number on the street: the places
   * are then that street and its addresses with the nearest numbers, for the person to refine.
   */
  numberNotFound: string | null;
}

/**
 * Places whose name matches the query, best first. Street types may be abbreviated or written
 * out ("St", "St.", "Street"), words may have small typing mistakes, and a house number the
 * gazetteer does not list ("12 Market Street" where only 10 and 16 are known) answers with the
 * street and the addresses with the nearest numbers on it, so "12 Market Street" is never "nothing found".
 */
export async function findPlaces(db: DB, jurisdictionId: string, query: string, options: { kinds?: PlaceKind[]; limit?: number } = {}): Promise<PlaceSearch> {
  const limit = Math.max(1, Math.min(options.limit ?? 10, 100));
  let exact = await rankPlaces(db, jurisdictionId, query, options.kinds, limit);
  // "Market Street 12", as many countries write it: the number moved to the front.
  const trailing = /^(.*\S)\s+(\d+[a-z]?)$/i.exec(placeKey(query));
  if (exact.ids.length === 0 && exact.number === null && trailing && !houseNumber.test(trailing[1]!.split(' ')[0]!)) {
    exact = await rankPlaces(db, jurisdictionId, `${trailing[2]} ${trailing[1]}`, options.kinds, limit);
  }
  if (exact.ids.length > 0 || exact.number === null || exact.rest === '') return { places: await placesById(db, exact.ids), numberNotFound: null };
  // No address with that number: the street, then its numbered addresses nearest to the number.
  const wanted = Number(/^\d+/.exec(exact.number)![0]);
  const kinds = (options.kinds ?? [...placeKinds]).filter((k) => k !== 'area');
  const along = await rankPlaces(db, jurisdictionId, exact.rest, kinds, 500);
  const best = along.ranked[0];
  if (!best) return { places: [], numberNotFound: null };
  // The street meant: the best match, or the street of the best-matching address.
  const streetKey = best.kind === 'street' ? best.key : best.key.replace(/^\d+[a-z]? /, '');
  const streets = along.ranked.filter((r) => r.kind === 'street' && r.key === streetKey).slice(0, 1);
  const nearest = along.ranked
    .filter((r) => r.kind === 'address' && numberOf(r.key) !== null && r.key.replace(/^\d+[a-z]? /, '') === streetKey)
    .sort((a, b) => Math.abs(numberOf(a.key)! - wanted) - Math.abs(numberOf(b.key)! - wanted) || numberOf(a.key)! - numberOf(b.key)!)
    .slice(0, 2);
  const ids = [...streets, ...nearest].slice(0, limit).map((r) => r.id);
  return { places: await placesById(db, ids), numberNotFound: ids.length > 0 ? exact.number : null };
}

async function placesById(db: DB, ids: number[]): Promise<Place[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('places').selectAll().where('id', 'in', ids).execute() as PlaceRow[];
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toPlace(row)] : [];
  });
}

interface Ranked { id: number; kind: PlaceKind; key: string; score: number }

/** The ids of the places that match, best first, and the house number the query started with. */
async function rankPlaces(db: DB, jurisdictionId: string, query: string, onlyKinds: PlaceKind[] | undefined, limit: number): Promise<{ ids: number[]; ranked: Ranked[]; number: string | null; rest: string }> {
  const none = (number: string | null = null, rest = '') => ({ ids: [], ranked: [], number, rest });
  const folded = placeKey(query);
  if (folded === '') return none();
  let words = folded.split(' ');
  // A house number first ("12 high street") narrows the search to addresses with that number.
  let number: string | null = null;
  if (words.length > 1 && houseNumber.test(words[0]!)) {
    number = words[0]!;
    words = words.slice(1);
  }
  let kinds = onlyKinds ?? [...placeKinds];
  if (number !== null) kinds = kinds.filter((k) => k === 'address');
  if (kinds.length === 0) return none(number, words.join(' '));

  // Long queries are cut: nobody types more to find a place, and it bounds the work.
  words = words.slice(0, MAX_WORDS);

  // The keys come from this process's index; whole rows are read only for the places shown.
  const wanted = new Set(kinds);
  const prefix = number === null ? null : `${number} `;
  const candidates = (await placeIndex(db, jurisdictionId))
    .filter((row) => wanted.has(row.kind) && (prefix === null || row.search_key.startsWith(prefix)));

  const terms = queryTerms(words.join(' ')).map((term) => ({ ...term, seen: new Map<string, number>() }));
  const scored: Ranked[] = [];
  for (const row of candidates) {
    const key = number !== null ? row.search_key.slice(number.length + 1) : row.search_key;
    const score = placeScore(terms, words.length, key);
    if (score > 0) scored.push({ id: Number(row.id), kind: row.kind, key: row.search_key, score });
  }
  scored.sort((a, b) => b.score - a.score || kindOrder[a.kind] - kindOrder[b.kind]
    || a.key.length - b.key.length || (a.key < b.key ? -1 : 1));
  return { ids: scored.slice(0, limit).map((b) => b.id), ranked: scored, number, rest: words.join(' ') };
}

const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function metresBetween(a: { lat: number; long: number }, b: { lat: number; long: number }): number {
  const dLat = radians(b.lat - a.lat);
  const dLong = radians(b.long - a.long);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLong / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** How far a point may be from an address for the address to describe it. */
export const NEAREST_ADDRESS_METRES = 250;

/**
 * The address nearest a point (reverse lookup), within `maxMetres`, with its distance in whole
 * metres; null when the gazetteer has none that close. Uses this process's index of places.
 */
export async function nearestAddress(db: DB, jurisdictionId: string, point: { lat: number; long: number }, maxMetres = NEAREST_ADDRESS_METRES): Promise<{ place: Place; metres: number } | null> {
  if (!Number.isFinite(point.lat) || !Number.isFinite(point.long)) return null;
  // A box first (cheap), the exact distance only inside it.
  const dLat = maxMetres / 111_320;
  const dLong = maxMetres / (111_320 * Math.max(Math.cos(radians(point.lat)), 0.01));
  let best: { id: number; metres: number } | null = null;
  for (const row of await placeIndex(db, jurisdictionId)) {
    if (row.kind !== 'address' || Math.abs(row.lat - point.lat) > dLat || Math.abs(row.long - point.long) > dLong) continue;
    const metres = metresBetween(point, row);
    if (metres <= maxMetres && (!best || metres < best.metres)) best = { id: row.id, metres };
  }
  if (!best) return null;
  const [place] = await placesById(db, [best.id]);
  return place ? { place, metres: Math.round(best.metres) } : null;
}

export async function listAreas(db: DB, jurisdictionId: string): Promise<Place[]> {
  const rows = await db.selectFrom('places').selectAll()
    .where('jurisdiction_id', '=', jurisdictionId).where('kind', '=', 'area').orderBy('search_key').execute();
  return (rows as PlaceRow[]).map(toPlace);
}

export async function getPlace(db: DB, jurisdictionId: string, id: number): Promise<Place | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  const row = await db.selectFrom('places').selectAll()
    .where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).executeTakeFirst();
  return row ? toPlace(row as PlaceRow) : undefined;
}

/** Rows per INSERT: large enough to load thousands of places in a second, small enough for any driver. */
const BATCH = 500;

/** Adds places in batches; call inside the caller's transaction so a load is all or nothing. */
export async function insertPlaces(trx: DB, jurisdictionId: string, places: readonly PlaceInput[]): Promise<number> {
  forgetPlaceIndex(jurisdictionId);
  for (let i = 0; i < places.length; i += BATCH) {
    await trx.insertInto('places').values(places.slice(i, i + BATCH).map((p) => ({
      jurisdiction_id: jurisdictionId,
      kind: p.kind,
      name: p.name,
      search_key: fold(p.name),
      lat: p.lat,
      long: p.long,
      min_lat: p.bounds?.minLat ?? null,
      min_long: p.bounds?.minLong ?? null,
      max_lat: p.bounds?.maxLat ?? null,
      max_long: p.bounds?.maxLong ?? null,
    }))).execute();
  }
  return places.length;
}

/** Replaces (or adds to) the gazetteer in one transaction: a failed load changes nothing. */
export async function importPlaces(db: DB, jurisdictionId: string, places: readonly PlaceInput[], options: { replace?: boolean } = {}): Promise<number> {
  const count = await db.transaction().execute(async (trx) => {
    if (options.replace) await trx.deleteFrom('places').where('jurisdiction_id', '=', jurisdictionId).execute();
    return insertPlaces(trx, jurisdictionId, places);
  });
  // Again once committed: a search during the load may have read the places as they were.
  forgetPlaceIndex(jurisdictionId);
  return count;
}

export async function countPlaces(db: DB, jurisdictionId: string): Promise<number> {
  const row = await db.selectFrom('places').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('jurisdiction_id', '=', jurisdictionId).executeTakeFirstOrThrow();
  return Number(row.n);
}
