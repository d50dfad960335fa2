/**
 * A full CSV export of every service request, through the HTTP server, at N cases: its time and
 * the server process's peak memory, beside a bare baseline measured in the same run (the same
 * rows selected, in id order, and written to /dev/null with no formatting at all). Each
 * measurement runs in a process of its own, so its peak RSS is its own.
 *
 *   npm run bench:export                  100,000 cases
 *   npm run bench:export -- 1000000       a million (the target: at most 20 s, peak RSS at most 256 MB)
 *
 * The city is the demo catalogue with open cases filled in bulk (bench/intake-seed.ts), on SQLite.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import SQLite from 'better-sqlite3';
import { fillOpenCases } from './intake-seed.js';

const cityConfig = (file: string) => ({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent', PORT: '0' });

export interface Measure { seconds: number; rows: number; bytes: number; peakRssMb: number }

/** In a child: the export through the server (the download route, streamed to /dev/null); `idle` asks only for /healthz, for the server's own footprint. */
async function measureExport(file: string, idle = false): Promise<Measure> {
  const { loadConfig } = await import('../src/config.js');
  const { openDatabase } = await import('../src/db/connection.js');
  const { buildApp } = await import('../src/app.js');
  const { makeKeyring, newKey } = await import('../src/platform/crypto.js');
  const config = loadConfig(cityConfig(file));
  const db = openDatabase(config.databaseUrl);
  const app = await buildApp({ config, db, keyring: makeKeyring(newKey()), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const started = process.hrtime.bigint();
  const response = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}${idle ? '/healthz' : '/open-data/requests.csv'}`);
  if (response.status !== 200 || !response.body) throw new Error(`The export answered ${response.status}`);
  let bytes = 0;
  let rows = -1; // the header line
  const counting = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  counting.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
  });
  await pipeline(counting, createWriteStream('/dev/null'));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await app.close();
  await db.destroy();
  return { seconds, rows, bytes, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** In a child: the bare baseline, the same rows and columns read in id order and written out unformatted. */
async function measureBaseline(file: string): Promise<Measure> {
  const sqlite = new SQLite(file, { readonly: true });
  const started = process.hrtime.bigint();
  const out = createWriteStream('/dev/null');
  const statement = sqlite.prepare(`select c.id, c.service_code, c.status, c.state, c.requested_at, c.updated_at, c.closed_at, c.expected_at, c.description, c.status_notes,
    c.lat, c.long, c.address_string, c.zipcode, c.channel, d.code, d.name from cases c left join departments d on d.id = c.department_id
    where (c.jurisdiction_id || '') = 'portalder.example' and c.kind = 'service_request' order by c.id`).raw();
  let rows = 0;
  let bytes = 0;
  let buffer = '';
  for (const row of statement.iterate() as IterableIterator<unknown[]>) {
    buffer += `${row.join(',')}\n`;
    rows++;
    if (buffer.length > 1 << 16) {
      bytes += buffer.length;
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  bytes += buffer.length;
  out.end(buffer);
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sqlite.close();
  return { seconds, rows, bytes, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

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

function inChild(kind: 'export' | 'idle' | 'baseline', file: string): Measure {
  const script = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, ['--import', 'tsx', script, '--child', kind, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').pop()!) as Measure;
}

/**
 * The full CSV export and its bare baseline on an existing database (no seeding), each in its own
 * process: for bench/analytics.ts, which prints them beside the dashboard's figures.
 */
export function exportBench(databaseFile: string): Promise<{ townhall: Measure; bare: Measure }> {
  const bare = inChild('baseline', databaseFile);
  return Promise.resolve({ townhall: inChild('export', databaseFile), bare });
}

const isMain = import.meta.url === pathToFileURL(process.argv[1] ?? '').href;
const args = process.argv.slice(2);
if (isMain && args[0] === '--child') {
  const measured = args[1] === 'baseline' ? await measureBaseline(args[2]!) : await measureExport(args[2]!, args[1] === 'idle');
  process.stdout.write(`${JSON.stringify(measured)}\n`);
} else if (isMain) {
  const cases = Number((args[0] ?? '100000').replace(/[_,]/g, ''));
  if (!Number.isInteger(cases) || cases < 1) throw new Error('Give the number of cases, e.g. npm run bench:export -- 1000000');
  const dir = mkdtempSync(join(tmpdir(), 'townhall-bench-export-'));
  const file = join(dir, 'city.db');
  try {
    console.log(`Open data export benchmark: ${cases.toLocaleString('en')} cases on SQLite`);
    await prepareCity(file, cases);
    const baseline = inChild('baseline', file);
    const idle = inChild('idle', file);
    const exported = inChild('export', file);
    const line = (name: string, m: Measure) => console.log(`  ${name.padEnd(34)} ${m.seconds.toFixed(2).padStart(7)} s  ${(m.rows / m.seconds / 1000).toFixed(0).padStart(5)}k rows/s  peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB  ${(m.bytes / 1e6).toFixed(0)} MB written, ${m.rows.toLocaleString('en')} rows`);
    line('bare baseline (select, no format)', baseline);
    line('full CSV export over HTTP', exported);
    console.log(`  the same server answering only /healthz: peak RSS ${idle.peakRssMb.toFixed(0)} MB, so the export itself adds ${(exported.peakRssMb - idle.peakRssMb).toFixed(0)} MB`);
    console.log(`  ratio to the baseline: ${(exported.seconds / baseline.seconds).toFixed(1)}x the time, ${(exported.peakRssMb / baseline.peakRssMb).toFixed(1)}x the peak memory`);
    const scaled = (exported.seconds * 1_000_000) / cases;
    console.log(`  targets at 1,000,000 cases: <= 20 s (${cases === 1_000_000 ? 'measured' : 'scaled linearly'}: ${scaled.toFixed(1)} s), peak RSS <= 256 MB (measured: ${exported.peakRssMb.toFixed(0)} MB)`);
    if (exported.rows !== baseline.rows) throw new Error(`The export wrote ${exported.rows} rows, the baseline ${baseline.rows}`);
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}
