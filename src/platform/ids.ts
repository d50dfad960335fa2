/**
 * A record's number as it arrives in a web address or a form: digits only, and few enough that
 * the number is exact. Anything else is no record at all (null), which callers answer with
 * "not found" or their own words; it never reaches the SQL.
 */
export function parseId(text: unknown): number | null {
  return typeof text === 'string' && /^\d{1,15}$/.test(text) ? Number(text) : null;
}
