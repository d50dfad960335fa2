/**
 * Runs the migrations that have not run yet, recording each in kysely_migration, so every
 * council's database reaches the same schema whatever version it started from.
 */
import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { DB } from './connection.js';
import * as foundation from './migrations/001_foundation.js';

const migrations: Record<string, Migration> = {
  '001_foundation': foundation,
};

export async function migrateToLatest(db: DB): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
