/** The database as a command uses it: opened from the configuration, closed when done. */
import { loadConfig, type Config } from '../config.js';
import { openDatabase, type DB } from '../db/connection.js';
import { pendingMigrations } from '../db/migrate.js';
import { CommandProblem, NO_SCHEMA, type CommandContext } from './context.js';

/** Opens the database the configuration names, runs the work and closes it, whatever happens. */
export async function withDatabase(context: CommandContext, work: (db: DB, config: Config) => Promise<number>): Promise<number> {
  const config = loadConfig(context.env);
  const db = openDatabase(config.databaseUrl, { poolSize: 2 });
  try {
    return await work(db, config);
  } finally {
    await db.destroy();
  }
}

/** For commands that read or change what is there, not create it: the schema must be up to date. */
export async function requireSchema(db: DB): Promise<void> {
  if ((await pendingMigrations(db)).length > 0) throw new CommandProblem(NO_SCHEMA);
}
