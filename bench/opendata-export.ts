/**
 * A full CSV export of every service request, through the HTTP server, at N cases: its time and
 * the server process's peak memory, beside a bare baseline measured in the same run (the same
 * rows selected, in id order, and written to /dev/null with no formatting at all). Each
 * measurement runs in a process of its own (bench/opendata-export-child.mjs, on the server as
 * built for release), so its peak RSS is its own.
 *
 *   npm run bench:export                  100,000 cases
 *   npm run bench:export -- 1000000       a million (the target: at most 20 s, peak RSS at most 256 MB)
 *   BENCH_DB=file npm run bench:export -- 1000000
 *                                         the same, in a database file kept for the next run (filled
 *                                         only if it does not exist yet)
 *
 * The city is the demo catalogue with open cases filled in bulk (bench/intake-seed.ts), on SQLite.
 * `exportBench(file)` measures an existing database (it never seeds), for bench/analytics.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fillOpenCases } from './intake-seed.js';

const cityConfig = (file: string) => ({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent', PORT: '0' });

export interface Measure { seconds: number; rows: number; bytes: number; peakRssMb: number }

async function prepareCity(file: string, cases: number): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { openDatabase } = await import('../src/db/connection.js');
  const { migrateToLatest } = await import('../src/db/migrate.js');
  const { seedDemoCatalogue } = await import('../src/demo/seed.js');
  const { seedDemoDepartments } = await import('../src/demo/workspace.js');
  const config = loadConfig(cityConfig(file));
  const db = openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  await seedDemoCatalogue(db, config.jurisdiction.id);
  await seedDemoDepartments(db, config);
  await db.destroy();
  const started = Date.now();
  fillOpenCases(file, cases, (open) => process.stderr.write(`\r  filled ${open.toLocaleString('en')} cases`));
  process.stderr.write(` in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** Builds the server as it ships (dist/), when a source is newer than the last build. */
function buildServer(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.js', import.meta.url)), '--if-stale'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function inChild(kind: 'export' | 'idle' | 'baseline', file: string): Measure {
  const script = fileURLToPath(new URL('./opendata-export-child.mjs', import.meta.url));
  const output = execFileSync(process.execPath, [script, kind, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').pop()!) as Measure;
}

/** The export and the bare baseline, each in a process of its own, on a database that already holds its cases. */
export async function exportBench(databaseFile: string): Promise<{ townhall: Measure; bare: Measure }> {
  if (!existsSync(databaseFile)) throw new Error(`There is no database at ${databaseFile}`);
  buildServer();
  const bare = inChild('baseline', databaseFile);
  const townhall = inChild('export', databaseFile);
  if (townhall.rows !== bare.rows) throw new Error(`The export wrote ${townhall.rows} rows, the baseline ${bare.rows}`);
  return { townhall, bare };
}

/** The server's own footprint: the same server, answering only /healthz. */
export function idleServerBench(databaseFile: string): Measure {
  buildServer();
  return inChild('idle', databaseFile);
}

async function main(args: readonly string[]): Promise<void> {
  const cases = Number((args[0] ?? '100000').replace(/[_,]/g, ''));
  if (!Number.isInteger(cases) || cases < 1) throw new Error('Give the number of cases, e.g. npm run bench:export -- 1000000');
  const kept = process.env.BENCH_DB;
  const dir = kept ? null : mkdtempSync(join(tmpdir(), 'townhall-bench-export-'));
  const file = kept ?? join(dir!, 'city.db');
  try {
    console.log(`Open data export benchmark: ${cases.toLocaleString('en')} cases on SQLite`);
    if (!existsSync(file)) await prepareCity(file, cases);
    const idle = idleServerBench(file);
    const { townhall: exported, bare: baseline } = await exportBench(file);
    const line = (name: string, m: Measure) => console.log(`  ${name.padEnd(34)} ${m.seconds.toFixed(2).padStart(7)} s  ${(m.rows / m.seconds / 1000).toFixed(0).padStart(5)}k rows/s  peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB  ${(m.bytes / 1e6).toFixed(0)} MB written, ${m.rows.toLocaleString('en')} rows`);
    line('bare baseline (select, no format)', baseline);
    line('full CSV export over HTTP', exported);
    console.log(`  the server's own footprint: peak RSS ${idle.peakRssMb.toFixed(0)} MB over its start-up and one /healthz (the export's peak above is from the request on)`);
    console.log(`  ratio to the baseline: ${(exported.seconds / baseline.seconds).toFixed(1)}x the time, ${(exported.peakRssMb / baseline.peakRssMb).toFixed(1)}x the peak memory`);
    const scaled = (exported.seconds * 1_000_000) / exported.rows;
    console.log(`  targets at 1,000,000 cases: <= 20 s (${exported.rows === 1_000_000 ? 'measured' : 'scaled linearly'}: ${scaled.toFixed(1)} s), peak RSS <= 256 MB (measured: ${exported.peakRssMb.toFixed(0)} MB)`);
  } finally {
    if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

// Run as a script (or as a measuring child), not when bench/analytics.ts imports exportBench.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
