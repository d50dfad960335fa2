/**
 * The townhall command as released: bin/townhall.js running the compiled dist/. Importing this
 * module builds dist/ first when a source is newer than the last build (scripts/build.js
 * --if-stale; test files that ask at once wait for one build), so tests that start real
 * processes always run the code under test.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const townhallBin = fileURLToPath(new URL('../bin/townhall.js', import.meta.url));

execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.js', import.meta.url)), '--if-stale'], { stdio: ['ignore', 'inherit', 'inherit'] });

export interface CommandRun { code: number; stdout: string; stderr: string }

/** Runs `townhall ARGS...` in its own process, as a council's script would, from dist/. */
export function runBuiltTownhall(args: string[], env: Record<string, string> = {}): Promise<CommandRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [townhallBin, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
