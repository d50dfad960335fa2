/** townhall insights rebuild: counts the analytics rollups again from every case (src/insights). */
import { RebuildRunningError, rebuildRollups } from '../insights/rollups.js';
import { CommandProblem, type CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const [action, ...rest] = context.positionals;
  if (action !== 'rebuild' || rest.length > 0) return Promise.resolve(context.usageError(action === undefined ? 'Say what to do: rebuild.' : `Unknown: ${[action, ...rest].join(' ')}. The only action is rebuild.`));
  return withDatabase(context, async (db, config) => {
    await requireSchema(db);
    const started = performance.now();
    // In chunks, each a short transaction: servers may keep running meanwhile (docs/insights.md).
    const result = await rebuildRollups(db, { jurisdictionId: config.jurisdiction.id, timeZone: config.jurisdiction.timeZone }, undefined, {
      onProgress: (done) => context.progress?.(done.days === 0 ? `Facts of ${done.cases} cases worked out` : `${done.days} days counted`),
    }).catch((error: unknown) => {
      throw error instanceof RebuildRunningError ? new CommandProblem(error.message) : error;
    });
    context.say(`Counted ${result.cases} cases over ${result.days} days in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  });
}
