#!/usr/bin/env node
// The townhall command. Townhall runs its TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
