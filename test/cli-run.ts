/** The townhall command run in the test's own process (fast): main() with its output captured. */
import { main } from '../src/cli.js';
import type { CommandRun } from './built-release.js';

export type { CommandRun } from './built-release.js';

/** Runs `townhall ARGS...` through main(), with the test process's environment plus `env`. */
export async function runTownhall(args: string[], env: Record<string, string> = {}): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });
  return { code, stdout, stderr };
}
