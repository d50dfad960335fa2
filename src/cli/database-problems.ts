/**
 * Database failures a person can act on (no schema yet, a server that cannot be reached), turned
 * into one line instead of a stack trace. Anything else is a fault in Townhall and is shown whole.
 */
import { NO_SCHEMA } from './context.js';

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', '28P01', '28000', '3D000', 'SQLITE_CANTOPEN']);

/** The line to print for this error, or null when it is not a database problem of that kind. */
export function databaseProblem(error: unknown): string | null {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    // 42P01 and 42703: a table or column PostgreSQL does not have; SQLite says it in words.
    if (code === '42P01' || code === '42703' || /^no such (table|column)\b/.test(message)) return NO_SCHEMA;
    if (unreachable.has(code)) return `Cannot reach the database named by DATABASE_URL: ${message || code}.`;
  }
  return null;
}
