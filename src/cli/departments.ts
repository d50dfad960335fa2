/** townhall departments list|create: the council's departments. */
import { migrateToLatest } from '../db/migrate.js';
import { createDepartment, listDepartments } from '../settings/departments.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const { values, positionals: [action] } = context;
  return withDatabase(context, async (db) => {
    await migrateToLatest(db);
    if (action === 'list') {
      const departments = await listDepartments(db);
      if (values.json) context.print(JSON.stringify(departments.map(({ id, code, name, assignment, calendarId }) => ({ id, code, name, assignment, calendarId })), null, 2));
      else for (const d of departments) context.print(`${d.id}\t${d.name}`);
      return 0;
    }
    if (action === 'create') {
      if (typeof values.code !== 'string' || typeof values.name !== 'string') return context.usageError('Give --code and --name, e.g. --code highways --name "Highways".');
      const created = await createDepartment(db, { code: values.code, name: values.name }, CLI_ACTOR);
      context.print(`${created.id}\t${created.name}`);
      context.say(`Created department ${created.code} with id ${created.id}.`);
      return 0;
    }
    return context.usageError(action ? `Unknown action "${action}".` : 'Say what to do: list or create.');
  });
}
