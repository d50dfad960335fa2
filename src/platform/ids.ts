/**
 * The largest record number any table holds: every id column is a 32-bit integer on PostgreSQL
 * (`integer`), so a larger number can name no record, and sent to the database it is an error
 * there (SQLite would take it, PostgreSQL refuses the query).
 */
export const MAX_ID = 2_147_483_647;

/** True for a number that could be a record's id: a whole number from 1 to MAX_ID. */
export const isId = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID;

/**
 * A record's number as it arrives in a web address, a query string or a form: digits only, from
 * 1 to MAX_ID. Anything else is no record at all (null), which callers answer with "not found"
 * or their own words; it never reaches the SQL.
 */
export function parseId(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return null;
  const value = Number(text);
  return isId(value) ? value : null;
}
