/**
 * Column types that differ between SQLite and PostgreSQL, so each migration is written once.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf } from './connection.js';

export function columnTypes(db: Kysely<unknown>) {
  const postgres = dialectOf(db) === 'postgres';
  return {
    /** An auto-numbered primary key. */
    serialId: (col: ColumnDefinitionBuilder) =>
      postgres ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement(),
    idType: (postgres ? 'integer' : 'integer') as 'integer',
    /** A UTC instant. */
    timestamp: (postgres ? sql`timestamptz` : sql`text`) as RawBuilder<unknown>,
    double: (postgres ? 'double precision' : 'real') as 'double precision' | 'real',
    /** Bytes (photos): read back as a Buffer on both. */
    blob: (postgres ? 'bytea' : 'blob') as 'bytea' | 'blob',
    postgres,
  };
}
