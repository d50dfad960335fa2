/** townhall catalogue export|import: the catalogue as a file (docs/catalogue-file.md), for version control and moving between sites. */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { diffText } from '../settings/catalogue-diff.js';
import { readCatalogue } from '../settings/catalogue-export.js';
import { checkCatalogueText, problemText, serializeCatalogue, type CatalogueFormat } from '../settings/catalogue-format.js';
import { applyCatalogue, planCatalogueImport } from '../settings/catalogue-import.js';
import { CLI_ACTOR, type CommandContext } from './context.js';
import { requireSchema, withDatabase } from './database.js';

const formatOfName = (file: string | undefined): CatalogueFormat | null =>
  file === undefined ? null : /\.ya?ml$/i.test(file) ? 'yaml' : /\.json$/i.test(file) ? 'json' : null;

async function confirmed(question: string): Promise<boolean> {
  const ask = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await ask.question(question)).trim());
  } finally {
    ask.close();
  }
}

export function run(context: CommandContext): Promise<number> {
  const { values, positionals: [action, file, ...extra] } = context;
  if (action === 'export') {
    if (extra.length > 0) return Promise.resolve(context.usageError('Give at most one file to write.'));
    const asked = values.format;
    if (asked !== undefined && asked !== 'json' && asked !== 'yaml') return Promise.resolve(context.usageError(`--format is json or yaml, not "${String(asked)}".`));
    const format: CatalogueFormat = asked ?? formatOfName(file) ?? 'json';
    return withDatabase(context, async (db, config) => {
      await requireSchema(db);
      const text = serializeCatalogue(await readCatalogue(db, config.jurisdiction.id), format);
      if (file === undefined) context.print(text.replace(/\n$/, ''));
      else {
        writeFileSync(file, text);
        context.say(`Wrote the catalogue of ${config.jurisdiction.name} to ${file} (${format.toUpperCase()}).`);
      }
      return 0;
    });
  }
  if (action === 'import') {
    if (!file || extra.length > 0) return Promise.resolve(context.usageError('Give one catalogue file: townhall catalogue import FILE.'));
    if (values['dry-run'] === true && values.yes === true) return Promise.resolve(context.usageError('Choose --dry-run (show the changes) or --yes (make them), not both.'));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      context.say(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`);
      return Promise.resolve(1);
    }
    const checked = checkCatalogueText(text);
    if (checked.catalogue === null) {
      context.say(`Nothing was imported: ${file} has ${checked.problems.length === 1 ? 'a problem' : `${checked.problems.length} problems`}.`);
      for (const problem of checked.problems) context.say(`  ${file}: ${problemText(problem)}`);
      return Promise.resolve(1);
    }
    const catalogue = checked.catalogue;
    return withDatabase(context, async (db, config) => {
      await requireSchema(db);
      const jurisdictionId = config.jurisdiction.id;
      const plan = await planCatalogueImport(db, jurisdictionId, catalogue);
      for (const line of diffText(plan)) context.print(line);
      if (plan.length === 0) return 0;
      if (values['dry-run'] === true) {
        context.say('Dry run: nothing was changed.');
        return 0;
      }
      if (values.yes !== true) {
        const interactive = process.stdin.isTTY && process.stderr.isTTY && context.env === process.env;
        if (!interactive) {
          context.say('Nothing was changed: pass --yes to make these changes (or --dry-run to only show them).');
          return 1;
        }
        if (!(await confirmed('Make these changes? [y/N] '))) {
          context.say('Nothing was changed.');
          return 1;
        }
      }
      const applied = await applyCatalogue(db, jurisdictionId, catalogue, CLI_ACTOR, plan);
      context.say(applied.length === 0 ? 'Nothing to change: the catalogue already matched the file.' : `Imported ${file}: ${applied.length} change${applied.length === 1 ? '' : 's'} made in one transaction, recorded in the audit trail.`);
      return 0;
    });
  }
  return Promise.resolve(context.usageError(action ? `Unknown action "${action}".` : 'Say what to do: export or import.'));
}
