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
 *
 * Test processes may ask for a build at the same moment: a lock directory lets one build while
 * the others wait for it.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const stamp = join(dist, '.built');
const lock = join(root, '.dist-build.lock');
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
  return Math.max(walk(src).newest, ...inputs) > built;
}

async function compile() {
  const { files } = walk(src);
  // Loaded here, not above: a check that finds the build fresh starts quicker without it.
  const { build } = await import('esbuild');
  rmSync(dist, { recursive: true, force: true });
  await build({
    entryPoints: files.filter((file) => isTypeScript(file) && !isTest(file)),
    outdir: dist,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'warning',
  });
  for (const file of files.filter((f) => !isTypeScript(f) && !f.endsWith('.d.ts'))) {
    const target = join(dist, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
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
      console.error(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
