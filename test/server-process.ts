/** Runs `townhall serve` in its own process, as an operator would, for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { townhallBin as bin } from './built-release.js';

export interface Server { process: ChildProcess; url: string; output: () => string }

export async function startServer(env: Record<string, string>, args: string[]): Promise<Server> {
  // Without node's test runner's mark, the server is as an operator runs it (full-cost password hashes).
  const { NODE_TEST_CONTEXT: _, ...outside } = process.env;
  const child = spawn(process.execPath, [bin, 'serve', ...args], { env: { ...outside, HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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


/** A free TCP port, so a server's PUBLIC_URL (the links in its emails) can name it before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Stops a server started by startServer: SIGTERM, then SIGKILL if it has not exited within 15 s. */
export async function stopServer(server: Server | undefined): Promise<void> {
  const child = server?.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
