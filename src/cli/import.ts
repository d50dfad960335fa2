/** townhall import requests FILE --profile P: past cases from another system, through a mapping profile. */
import { importRequests, type ImportReport } from '../imports/imports.js';
import { loadProfile, shippedProfiles } from '../imports/profile.js';
import { problemKinds, type ProblemKind } from '../imports/rows.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

/** Lines of each kind of problem printed; --json gives them all. */
const LINES_SHOWN = 10;

const number = (n: number) => n.toLocaleString('en-GB');

export function run(context: CommandContext): Promise<number> {
  const { values, positionals: [what, file, ...extra] } = context;
  if (what !== 'requests') return Promise.resolve(context.usageError(what ? `Unknown thing to import "${what}": only "requests".` : 'Say what to import: townhall import requests FILE --profile P.'));
  if (!file || extra.length > 0) return Promise.resolve(context.usageError('Give one file (CSV or JSON Lines).'));
  if (typeof values.profile !== 'string') return Promise.resolve(context.usageError(`Give a mapping profile with --profile: a profile file, or one of ${shippedProfiles().join(', ')}.`));
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) return Promise.resolve(context.usageError('--batch-size must be a whole number from 1 to 100000.'));
  const profile = loadProfile(values.profile);
  return withDatabase(context, async (db, config) => {
    await requireSchema(db);
    const dryRun = values['dry-run'] === true;
    const progress = context.progress;
    const report = await importRequests(db, {
      file, profile, jurisdiction: config.jurisdiction, actor: CLI_ACTOR, dryRun, createServices: values['create-services'] === true,
      ...(batchSize ? { batchSize } : {}),
      ...(progress ? { onProgress: (done: number, total: number, ms: number) => progress(`${number(done)} of ${number(total)} rows, ${number(Math.round(done / Math.max(ms, 1) * 1000))} rows/s`) } : {}),
    });
    if (progress) progress('');
    if (values.json === true) context.print(JSON.stringify(report, null, 2));
    for (const line of describe(report)) context.say(line);
    return dryRun && report.missingServices.length > 0 ? 1 : 0;
  });
}

function describe(report: ImportReport): string[] {
  const lines: string[] = [];
  const skipped = report.rows - report.loadable;
  if (report.dryRun) {
    lines.push(`Dry run of ${report.file} through the profile ${report.profile}: nothing was written.`);
    lines.push(`${number(report.rows)} rows: ${number(report.loadable)} would load, ${number(skipped)} would be left out.`);
  } else {
    const { created, updated, unchanged } = report.counts;
    if (report.resumedFrom !== null) lines.push(`Resumed an interrupted import of this file: its first ${number(report.resumedFrom)} rows were loaded before.`);
    lines.push(`Imported ${report.file} through the profile ${report.profile} (import ${report.importId}).`);
    lines.push(`${number(report.rows)} rows: ${number(created)} cases created, ${number(updated)} updated, ${number(unchanged)} unchanged, ${number(report.counts.skipped)} left out for the problems below.`);
    if (report.counts.kept > 0) lines.push(`${number(report.counts.kept)} changed rows were not applied: their cases were changed here after the row's updated date, and the later change wins.`);
    if (report.counts.concurrent > 0) lines.push(`${number(report.counts.concurrent)} cases were made at the same moment by another import: they were compared with this file's rows, not made twice.`);
    if (created + updated === 0) lines.push('Nothing changed.');
    if (report.seconds > 0) lines.push(`${number(Math.round((report.rows - (report.resumedFrom ?? 0)) / report.seconds))} rows/s (${report.seconds.toFixed(1)} s). No messages were sent.`);
  }
  if (report.createdServices.length > 0) lines.push(`${report.dryRun ? 'Would create' : 'Created'} the services ${report.createdServices.join(', ')} (from the profile's "services").`);
  if (report.missingServices.length > 0) {
    lines.push(`The catalogue has no service ${report.missingServices.join(', ')}, which the profile maps rows to: create them in the catalogue, or define them in the profile's "services" and run with --create-services.`);
  }
  const byKind = new Map<string, typeof report.problems>();
  for (const p of report.problems) {
    const key = `${p.kind}:${p.severity}`;
    byKind.set(key, [...(byKind.get(key) ?? []), p]);
  }
  if (byKind.size > 0) lines.push('Problems, by line:');
  for (const [key, list] of byKind) {
    const [kind, severity] = key.split(':') as [ProblemKind, string];
    lines.push(`  ${problemKinds[kind]}: ${number(list.length)} ${list.length === 1 ? 'row' : 'rows'} (${severity === 'error' ? 'these rows are left out' : 'loaded as each line says'})`);
    for (const p of list.slice(0, LINES_SHOWN)) lines.push(`    line ${p.line}: ${p.message}`);
    if (list.length > LINES_SHOWN) lines.push(`    ... and ${number(list.length - LINES_SHOWN)} more (--json lists them all)`);
  }
  return lines;
}
