#!/usr/bin/env node
/**
 * Builds the release: every TypeScript file under src/ (tests excepted) compiled to JavaScript
 * at the same depth under dist/, and every other file under src/ (web assets) copied beside
 * them, so paths taken relative to a module (../../demo-data, ./assets/) hold in both trees.
 * esbuild compiles each file on its own (no bundle), which the compiler settings allow
 * (isolatedModules, verbatimModuleSyntax); types are checked by `npm run typecheck`, not here.
 *
 *   node scripts/build.js             build
 *   node scripts/build.js --if-stale  build only when a source is newer than the last build
 *   node scripts/build.js --tests     build the test tree instead (with --if-stale too)
 *
 * The test tree, .tests/, is what the test tiers run: src/ and test/ compiled at the same depth
 * (tests included, with inline source maps so failures point at the TypeScript), every source file
 * copied beside its JavaScript (tests read some, e.g. the migrations), and every other top-level
 * entry of the project linked in (node_modules, bin, dist, demo-data...). Node then runs plain
 * JavaScript: a test process under the tsx loader spends a second or more of CPU on compiling
 * hooks before its first test, and the tiers start about two hundred of them.
 *
 * Test processes may ask for a build at the same moment: a lock directory lets one build while
 * the others wait for it.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const forTests = process.argv.includes('--tests');
const src = join(root, 'src');
const sources = forTests ? [src, join(root, 'test')] : [src];
const dist = join(root, forTests ? '.tests' : 'dist');
const stamp = join(dist, '.built');
const lock = join(root, forTests ? '.tests-build.lock' : '.dist-build.lock');
const STALE_LOCK_MS = 120_000;

const isTest = (path) => /\.test\.tsx?$/.test(path);
const isTypeScript = (path) => /\.tsx?$/.test(path) && !path.endsWith('.d.ts');

/** Every file under a folder, with the newest change time seen (folders too: a deleted file changes its folder). */
function walk(dir, files = [], newest = { ms: statSync(dir).mtimeMs }) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest.ms = Math.max(newest.ms, statSync(path).mtimeMs);
    if (entry.isDirectory()) walk(path, files, newest);
    else files.push(path);
  }
  return { files, newest: newest.ms };
}

function isStale() {
  let built;
  try {
    built = statSync(stamp).mtimeMs;
  } catch {
    return true;
  }
  const inputs = [join(root, 'package.json'), fileURLToPath(import.meta.url)].map((file) => statSync(file).mtimeMs);
  return Math.max(...sources.map((folder) => walk(folder).newest), ...inputs) > built;
}

async function compile() {
  const files = sources.flatMap((folder) => walk(folder).files);
  // Loaded here, not above: a check that finds the build fresh starts quicker without it.
  const { build } = await import('esbuild');
  rmSync(dist, { recursive: true, force: true });
  await build({
    entryPoints: files.filter((file) => isTypeScript(file) && (forTests || !isTest(file))),
    outdir: dist,
    outbase: forTests ? root : src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'warning',
    sourcemap: forTests ? 'inline' : false,
  });
  for (const file of files.filter((f) => forTests || (!isTypeScript(f) && !f.endsWith('.d.ts')))) {
    const target = join(dist, relative(forTests ? root : src, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  if (forTests) {
    const own = new Set(['src', 'test', '.tests', '.git', '.tests-build.lock', '.dist-build.lock']);
    for (const entry of readdirSync(root)) if (!own.has(entry)) symlinkSync(join(root, entry), join(dist, entry));
  }
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

function takeLock() {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    try {
      // A build that died leaves its lock behind: take it over after a while.
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    } catch { /* released meanwhile */ }
    return false;
  }
}

const onlyIfStale = process.argv.includes('--if-stale');
if (!onlyIfStale || isStale()) {
  const started = Date.now();
  while (!takeLock()) await sleep(200);
  try {
    // Another process may have built while this one waited.
    if (!onlyIfStale || isStale()) {
      await compile();
      console.error(`Built ${forTests ? '.tests' : 'dist'}/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
