/** Runs `townhall serve` in its own process, as an operator would, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { townhallBin as bin } from './built-release.js';

export interface Server { process: ChildProcess; url: string; output: () => string }

export async function startServer(env: Record<string, string>, args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (match?.[1]) return { process: child, url: match[1], output: () => output };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

