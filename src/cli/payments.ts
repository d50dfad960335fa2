/** townhall payments reconcile [--date YYYY-MM-DD]: the daily reconciliation report as CSV on stdout. */
import { reconcileDay, reconciliationCsv } from '../applications/reconciliation.js';
import { todayInZone } from '../platform/time.js';
import type { CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

export function run(context: CommandContext): Promise<number> {
  const [action, ...extra] = context.positionals;
  if (action !== 'reconcile' || extra.length > 0) return Promise.resolve(context.usageError('Say "reconcile", and give the day with --date.'));
  const given = context.values.date;
  if (given !== undefined && typeof given !== 'string') return Promise.resolve(context.usageError('Give one day with --date, written YYYY-MM-DD.'));
  return withDatabase(context, async (db, config) => {
    await requireSchema(db);
    const day = given ?? todayInZone(config.jurisdiction.timeZone);
    // A day that is not a date is a DomainError, which the command says in one line (exit code 1).
    const csv = reconciliationCsv(await reconcileDay(db, config.jurisdiction.id, day, config.jurisdiction.timeZone));
    // Every line ends CRLF, as RFC 4180 has it: print adds the last line's \n after its \r.
    context.print(csv.slice(0, -1));
    return 0;
  });
}
