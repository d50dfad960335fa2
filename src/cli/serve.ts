/** townhall serve: the web server, which migrates the database itself before it listens. */
import { setFlagsFromString } from 'node:v8';
import { loadConfig } from '../config.js';
import type { CommandContext } from './context.js';

/**
 * What a server allocates while it starts (modules, compiled code, routes and their schemas) is
 * nearly all kept, so a young generation that grows with it, as V8's does (to 2 x 16 MB), saves
 * no collection work and is left behind, touched and idle: a third of the idle server's memory.
 * It stays at its first size until the server listens; then it may grow again (V8's default
 * factor, 2) for the short-lived garbage of requests under load.
 */
const YOUNG_GROWTH_WHILE_STARTING = 1;
const YOUNG_GROWTH_DEFAULT = 2;

export async function run({ values, env }: CommandContext): Promise<number> {
  setFlagsFromString(`--semi-space-growth-factor=${YOUNG_GROWTH_WHILE_STARTING}`);
  let started;
  try {
    const { serve } = await import('../main.js');
    started = await serve(loadConfig(env), { demo: values.demo === true });
  } finally {
    setFlagsFromString(`--semi-space-growth-factor=${YOUNG_GROWTH_DEFAULT}`);
  }
  await started.stopped;
  return Number(process.exitCode ?? 0);
}
