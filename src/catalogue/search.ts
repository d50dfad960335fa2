/**
 * Search that forgives typing: residents type "pothol", "grafiti" or "street light" and should
 * still find the service. Pure functions, shared by the catalogue search and the gazetteer.
 */

/**
 * Lower case, accents and other combining marks removed (Spanish accents, Arabic vowel marks and
 * hamza seats), punctuation as spaces, single spaces. Arabic letters people write either way are
 * made one (ة/ه, ى/ي, the stretching tatweel dropped), and the article ال is taken off a word's
 * start, so "الحفرة" is found by "حفرة" and "حفره".
 */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase()
    .replace(/\u0640/g, '').replace(/\u0629/g, '\u0647').replace(/\u0649/g, '\u064A')
    .replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
    .replace(/(^| )\u0627\u0644(?=[\u0621-\u064A]{2})/g, '$1');
}

/** The folded words of a text. */
export const wordsOf = (text: string): string[] => fold(text).split(' ').filter((w) => w !== '');

/**
 * Damerau–Levenshtein distance (optimal string alignment: a swap of two neighbouring letters
 * counts as one mistake), stopping early once it is certainly above `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  // Three rows, reused between calls: gazetteer searches compare thousands of words.
  if (rows.length < width * 3) rows = new Int32Array(width * 6);
  let before = 0, previous = width, current = 2 * width;
  for (let j = 0; j < width; j++) rows[previous + j] = j;
  for (let i = 1; i <= a.length; i++) {
    rows[current] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[previous + j]! + 1, rows[current + j - 1]! + 1, rows[previous + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[before + j - 2]! + 1);
      rows[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return rows[previous + b.length]!;
}
let rows = new Int32Array(64);

/** Mistakes allowed in a word of this length: none up to 3 letters, 1 up to 7, 2 from 8. */
export const allowedMistakes = (length: number): number => (length >= 8 ? 2 : length >= 4 ? 1 : 0);

/**
 * How well a typed word matches a word of a text: 1 exact, 0.9 the start of it ("pothol"),
 * 0.8 close enough to be a typing mistake, 0 not at all.
 */
export function wordMatch(typed: string, word: string): number {
  if (typed === word) return 1;
  if (typed.length >= 3 && word.startsWith(typed)) return 0.9;
  // Judged on the shorter word, so a short word is not "close" to a long one.
  const allowed = allowedMistakes(Math.min(typed.length, word.length));
  if (allowed > 0 && editDistance(typed, word, allowed) <= allowed) return 0.8;
  return 0;
}

/**
 * The words a text can be found by: its own words, and each two neighbouring words written
 * together, so "street light" is found by "streetlight" (the other way round, "street" is the
 * start of "streetlight").
 */
export function searchWords(text: string): string[] {
  const words = wordsOf(text);
  const joined = words.slice(1).map((w, i) => words[i]! + w);
  return [...words, ...joined];
}

/** The best match of a typed word among words. */
export const bestMatch = (typed: string, words: readonly string[]): number =>
  words.reduce((best, word) => (best === 1 ? best : Math.max(best, wordMatch(typed, word))), 0);

/**
 * The query's words to look for: each word, and each two neighbouring words written together
 * ("street light" also looks for "streetlight"). A pair counts for both its words.
 */
export function queryTerms(query: string): Array<{ text: string; covers: number[] }> {
  const words = wordsOf(query);
  return [
    ...words.map((text, i) => ({ text, covers: [i] })),
    ...words.slice(1).map((w, i) => ({ text: words[i]! + w, covers: [i, i + 1] })),
  ];
}

export interface Searchable {
  name: string;
  keywords: readonly string[];
  description: string;
  /** The group a service is in: weighs like a keyword. */
  group?: string;
}

const NAME = 3;
const KEYWORD = 2;
const DESCRIPTION = 1;

/**
 * How well an item answers the query: 0 when no word of the query is found. Each query word
 * scores by where it is found (name above keywords above description) and how closely; a
 * description is only searched for whole words or their starts, as its many words would
 * otherwise match almost any typing mistake.
 */
export function relevance(query: string, item: Searchable, prepared?: PreparedItem): number {
  const p = prepared ?? prepare(item);
  const terms = queryTerms(query);
  const perWord: number[] = [];
  for (const term of terms) {
    const fuzzy = Math.max(NAME * bestMatch(term.text, p.name), KEYWORD * bestMatch(term.text, p.keywords));
    const exactish = p.description.some((w) => w === term.text || (term.text.length >= 4 && w.startsWith(term.text))) ? DESCRIPTION : 0;
    const score = Math.max(fuzzy, exactish);
    for (const index of term.covers) perWord[index] = Math.max(perWord[index] ?? 0, score);
  }
  return perWord.reduce((sum: number, s) => sum + (s ?? 0), 0);
}

export interface PreparedItem { name: string[]; keywords: string[]; description: string[] }

/** An item's words, folded once (the catalogue is searched on every query). */
export function prepare(item: Searchable): PreparedItem {
  return {
    name: searchWords(item.name),
    keywords: [...item.keywords.flatMap((k) => searchWords(k)), ...(item.group ? searchWords(item.group) : [])],
    description: wordsOf(item.description),
  };
}

/** The items that match, best first; ties keep the items' own order. */
export function search<T extends Searchable>(query: string, items: readonly T[]): Array<{ item: T; score: number }> {
  if (wordsOf(query).length === 0) return [];
  return items.map((item, index) => ({ item, index, score: relevance(query, item) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ item, score }) => ({ item, score }));
}
