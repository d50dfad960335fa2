/** townhall places import: the gazetteer, from a council's CSV, all or nothing. */
import { readFileSync } from 'node:fs';
import { migrateToLatest } from '../db/migrate.js';
import { parsePlacesCsv } from '../places/import.js';
import { importPlaces } from '../places/places.js';
import type { CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const { values, positionals: [action, file, ...extra] } = context;
  return withDatabase(context, async (db, config) => {
    if (action !== 'import') return context.usageError(action ? `Unknown action "${action}".` : 'The only places action is "import".');
    if (!file || extra.length > 0) return context.usageError('Give one CSV file: townhall places import FILE.csv.');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      context.say(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`);
      return 1;
    }
    const { places, problems } = parsePlacesCsv(text, config.jurisdiction.bounds);
    if (problems.length > 0) {
      context.say(`Nothing was loaded: ${file} has problems.\n${problems.map((p) => `  ${p}`).join('\n')}`);
      return 1;
    }
    await migrateToLatest(db);
    const loaded = await importPlaces(db, config.jurisdiction.id, places, { replace: values.replace === true });
    context.say(`Loaded ${loaded} places for ${config.jurisdiction.name}${values.replace === true ? ', replacing the ones loaded before' : ''}.`);
    return 0;
  });
}
