/** townhall serve: the web server, which migrates the database itself before it listens. */
import { loadConfig } from '../config.js';
import { serve } from '../main.js';
import type { CommandContext } from './context.js';

export async function run({ values, env }: CommandContext): Promise<number> {
  const { stopped } = await serve(loadConfig(env), { demo: values.demo === true });
  await stopped;
  return Number(process.exitCode ?? 0);
}
