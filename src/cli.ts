/**
 * The townhall command: every subcommand parses its arguments, loads the configuration and
 * calls the same domain functions the web application uses. The subcommands are listed in
 * cli/commands.ts and each is loaded only when it runs (cli/<command>.ts).
 */
import { parseArgs } from 'node:util';
import { ConfigError, configVariables } from './config.js';
import { commands } from './cli/commands.js';
import { CommandProblem, writerOf, type CliIo, type CommandContext } from './cli/context.js';
import { databaseProblem } from './cli/database-problems.js';
import { DomainError } from './platform/errors.js';
import { KeyConfigError } from './platform/keys.js';

export type { CliIo } from './cli/context.js';

function help(): string {
  const lines = ['Townhall: digital public services for councils and agencies.', '', 'Usage: townhall COMMAND [options]   (townhall COMMAND --help for more)', '', 'Commands:'];
  for (const [name, command] of Object.entries(commands)) lines.push(`  ${name.padEnd(11)} ${command.summary}`);
  lines.push('', 'Configuration (environment variables):');
  const width = Math.max(...configVariables.map(([name]) => name.length));
  for (const [name, meaning] of configVariables) lines.push(`  ${name.padEnd(width)} ${meaning}`);
  return lines.join('\n');
}

/**
 * Runs one townhall command and resolves to its exit code. It prints through `io` (by default
 * the process's stdout and stderr) and reads its configuration from `io.env` (by default the
 * process's environment), so tests can run it in process and read what it printed.
 */
export async function main(argv: string[], io: CliIo = {}): Promise<number> {
  const out = writerOf(io.stdout ?? process.stdout);
  const err = writerOf(io.stderr ?? process.stderr);
  const print = (text: string) => out(`${text}\n`);
  const say = (text: string) => err(`${text}\n`);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    print(help());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    say(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    print(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  const usageError = (message: string) => {
    say(`${message}\nUsage: ${command.usage}`);
    return 2;
  };
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: command.positionals ?? false, strict: true });
    const stderr = io.stderr ?? process.stderr;
    const terminal = typeof stderr !== 'function' && (stderr as { isTTY?: boolean }).isTTY === true;
    const context: CommandContext = {
      values, positionals, env: io.env ?? process.env, print, say, usageError,
      ...(terminal ? { progress: (text: string) => err(`\r${text}\x1b[K`) } : {}),
    };
    return await (await command.load()).run(context);
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) return usageError(error.message);
    const problem = error instanceof ConfigError || error instanceof KeyConfigError || error instanceof DomainError || error instanceof CommandProblem
      ? error.message
      : databaseProblem(error);
    if (problem === null) throw error;
    say(problem);
    return 1;
  }
}
