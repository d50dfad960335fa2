/**
 * What every townhall subcommand is given: its parsed arguments, the environment it reads its
 * configuration from, and where to print. Tests pass their own streams and environment to run
 * commands in process; the command itself passes process.stdout, process.stderr and process.env.
 */
import type { Writable } from 'node:stream';

export type Env = Record<string, string | undefined>;
export type Write = (text: string) => void;

/** Where a command prints, and what it reads; each part defaults to the process's own. */
export interface CliIo {
  stdout?: Writable | Write;
  stderr?: Writable | Write;
  env?: Env;
}

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  env: Env;
  /** One line on stdout: what scripts read (keys, JSON, tab-separated lists). */
  print(text: string): void;
  /** One line on stderr: what the person at the terminal reads. */
  say(text: string): void;
  /** Says what was wrong with the arguments and how the command is used; returns exit code 2. */
  usageError(message: string): number;
  /** Rewrites one progress line on stderr; given only when stderr is a terminal. */
  progress?: (text: string) => void;
}

/** Who the audit trail names for changes made through the command. */
export const CLI_ACTOR = 'cli';

/** A problem the person can act on, said in one line (exit code 1), never as a stack trace. */
export class CommandProblem extends Error {
  override readonly name = 'CommandProblem';
}

export const NO_SCHEMA = 'The database has no Townhall schema yet, or an older one: run `townhall migrate` first.';

export function writerOf(target: Writable | Write): Write {
  return typeof target === 'function' ? target : (text) => { target.write(text); };
}
