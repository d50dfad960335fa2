#!/usr/bin/env node
// The townhall command: runs the compiled release in dist/ (`npm run build` makes it).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('Townhall is not built yet: run `npm run build` first (npm start builds it too).');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
