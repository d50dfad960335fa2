/**
 * Staff analytics at scale (issue 14). Seeds the demo city (catalogue, departments, areas, a
 * year of history), then fills it with cases in bulk SQL (bench/intake-seed.ts) and closes most
 * of them at varied speeds, on several channels; rebuilds the rollups (prints the time); then
 * asks the real app, as a signed-in analyst, for /staff/insights repeatedly and prints its p95
 * beside a bare baseline measured in the same run: a plain count of the same cases by date range.
 *
 * Then issue 14's other figures on the same database: a full CSV export of every case (time and
 * peak RSS, bench/opendata-export.ts, each in its own process) beside a bare select, and the
 * forecast's backtest error against its baseline on the database's weekly counts.
 *
 * Run: npm run bench:analytics            (SQLite, in a temporary folder; 1,000,000 cases)
 *      BENCH_CASES=200000 BENCH_REQUESTS=30 npm run bench:analytics
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { openDatabase, type DB } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { demoCity } from '../src/demo/city.js';
import { seedDemo } from '../src/demo/seed.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { rebuildRollups } from '../src/insights/rollups.js';
import { makeKeyring, newKey, type Keyring } from '../src/platform/crypto.js';
import { todayInZone } from '../src/platform/time.js';
import { backtestOnDatabase } from './forecast.js';
import { fillOpenCases } from './intake-seed.js';
import { exportBench } from './opendata-export.js';

const TOTAL = Number(process.env.BENCH_CASES ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);

interface Bench { dir: string; path: string; config: Config; keyring: Keyring }

/** A progress line on a terminal, rewritten in place; nothing in a log. */
const progress = (text: string) => { if (process.stderr.isTTY) process.stderr.write(`\r  ${text}`); };
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const p95 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.ceil(samples.length * 0.95) - 1]!;
const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

/** The demo city, then `TOTAL` cases in all: four in five closed, after minutes to weeks, some late. */
async function seed(): Promise<Bench> {
  const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'townhall-analytics-'));
  const path = join(dir, 'townhall.db');
  const config = loadConfig({ DATABASE_URL: `sqlite:${path}`, LOG_LEVEL: 'silent', PORT: '0' });
  const keyring = makeKeyring(newKey());
  if (process.env.BENCH_DIR && existsSync(path)) return { dir, path, config, keyring };
  const db = openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  await seedDemo(db, config, keyring);
  await db.destroy();
  const started = performance.now();
  fillOpenCases(path, TOTAL, (open) => progress(`${open.toLocaleString('en-GB')} cases`));
  console.log(`filled ${TOTAL.toLocaleString('en-GB')} cases in ${seconds(performance.now() - started)}`);
  if (process.stderr.isTTY) process.stderr.write('\n');
  const sqlite = new SQLite(path);
  // Close four in five, from an hour to about five weeks after they came in; vary the channel.
  sqlite.exec(`update cases set channel = case id % 7 when 0 then 'phone' when 1 then 'counter' when 2 then 'api' else 'web' end,
      expected_at = strftime('%Y-%m-%dT%H:%M:%fZ', requested_at, '+10 days') where token like 'bulk-%'`);
  sqlite.exec(`update cases set status = 'closed', state = 'closed',
      closed_at = strftime('%Y-%m-%dT%H:%M:%fZ', requested_at, '+' || (60 + (id * 7919) % 50000) || ' minutes')
      where token like 'bulk-%' and id % 5 <> 0 and strftime('%Y-%m-%dT%H:%M:%fZ', requested_at, '+' || (60 + (id * 7919) % 50000) || ' minutes') < strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
  sqlite.pragma('wal_checkpoint(truncate)');
  const counts = sqlite.prepare("select count(*) as cases, sum(status = 'closed') as closed from cases").get() as { cases: number; closed: number };
  sqlite.close();
  console.log(`seeded ${counts.cases.toLocaleString('en-GB')} cases (${counts.closed.toLocaleString('en-GB')} closed) in ${seconds(performance.now() - started)}`);
  return { dir, path, config, keyring };
}

async function rebuild(db: DB, bench: Bench): Promise<void> {
  const started = performance.now();
  // Each progress call ends a chunk (one transaction): the longest gap is about the longest hold on SQLite's writer.
  let last = started;
  let longest = 0;
  const result = await rebuildRollups(db, { jurisdictionId: bench.config.jurisdiction.id, timeZone: bench.config.jurisdiction.timeZone }, undefined, {
    onProgress: (done) => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      progress(`rebuilding: ${done.cases.toLocaleString('en-GB')} cases, ${done.days} days`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const took = performance.now() - started;
  console.log(`  longest chunk (one transaction, holding SQLite's writer): ${(longest / 1000).toFixed(2)} s`);
  const count = async (table: 'insight_daily' | 'insight_close_times' | 'insight_day_totals' | 'insight_close_spans') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n).toLocaleString('en-GB');
  console.log(`rollups rebuilt in chunks: ${result.cases.toLocaleString('en-GB')} cases, ${result.days} days in ${seconds(took)}`);
  console.log(`  rows: fine ${await count('insight_daily')} daily, ${await count('insight_close_times')} histogram; coarse ${await count('insight_day_totals')} daily, ${await count('insight_close_spans')} histogram spans`);
}

/** The area with the most cases, for the views filtered by area (which read the fine tables). */
async function busiestArea(db: DB): Promise<string> {
  const row = await db.selectFrom('insight_case_facts').select(['area', (eb) => eb.fn.countAll<number>().as('n')]).where('area', '!=', '')
    .groupBy('area').orderBy('n', 'desc').limit(1).executeTakeFirst();
  return row?.area ?? '-';
}

async function timed(count: number, work: () => Promise<void>): Promise<number[]> {
  await work();
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** The dashboard over HTTP (Fastify's inject: the whole route, rendering included, no socket). */
async function dashboard(app: FastifyInstance, cookie: string, query: string): Promise<number[]> {
  return timed(REQUESTS, async () => {
    const response = await app.inject({ method: 'GET', url: `/staff/insights?${query}`, headers: { cookie } });
    if (response.statusCode !== 200) throw new Error(`/staff/insights answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
  });
}

/** The bare baseline: counting the same range's cases straight from the cases table. */
async function baseline(db: DB, bench: Bench, from: string): Promise<number[]> {
  return timed(REQUESTS, async () => {
    await sql`select count(*) as n from cases where jurisdiction_id = ${bench.config.jurisdiction.id} and requested_at >= ${from}`.execute(db);
  });
}


const bench = await seed();
const db = openDatabase(bench.config.databaseUrl);
try {
  await rebuild(db, bench);
  const app = await buildApp({ config: bench.config, db, keyring: bench.keyring, logger: false });
  const analyst = await createUser(db, bench.keyring, { email: 'analyst@bench.example', role: 'analyst' }, { publicUrl: 'http://localhost', issuer: 'Bench' }, 'bench');
  const { token } = await startSession(db, Number(analyst.id), { limits: limitsFor('analyst'), secondFactor: true });
  const cookie = `townhall_session=${token}`;
  const today = todayInZone(demoCity.timeZone);
  const yearAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
  const twelveWeeks = new Date(Date.parse(`${today}T00:00:00Z`) - 83 * 86_400_000).toISOString().slice(0, 10);
  const area = encodeURIComponent(await busiestArea(db));
  const rows: Array<[string, number[], number[]]> = [
    ['default: last 12 weeks by week', await dashboard(app, cookie, ''), await baseline(db, bench, twelveWeeks)],
    ['a year by month', await dashboard(app, cookie, `from=${yearAgo}&to=${today}&group=month`), await baseline(db, bench, yearAgo)],
    ['a year by month, one service', await dashboard(app, cookie, `from=${yearAgo}&to=${today}&group=month&service=pothole`), await baseline(db, bench, yearAgo)],
    ['12 weeks, one channel (phone)', await dashboard(app, cookie, 'channel=phone'), await baseline(db, bench, twelveWeeks)],
    ['12 weeks, one area (fine tables)', await dashboard(app, cookie, `area=${area}`), await baseline(db, bench, twelveWeeks)],
    ['a year by month, one area', await dashboard(app, cookie, `from=${yearAgo}&to=${today}&group=month&area=${area}`), await baseline(db, bench, yearAgo)],
  ];
  console.log(`\n/staff/insights at ${TOTAL.toLocaleString('en-GB')} cases, ${REQUESTS} requests each (target p95 <= 300 ms):`);
  for (const [what, page, bare] of rows) {
    console.log(`  ${what.padEnd(32)} p95 ${p95(page).toFixed(0).padStart(5)} ms (median ${median(page).toFixed(0)} ms)   baseline count(*) p95 ${p95(bare).toFixed(0).padStart(5)} ms   ratio ${(p95(page) / p95(bare)).toFixed(2)}`);
  }
  await app.close();

  console.log('\nforecast backtest on the weekly counts of these cases (latest 8 weeks held out; MAE in cases a week):');
  await backtestOnDatabase(db, bench.config.jurisdiction.id);
  console.log('  (the filled cases are spread evenly over the last year, on a thin demo history before it: this shows the backtest run at this size, not');
  console.log('   the model\'s skill on real demand; npm run bench:forecast backtests real and seasonal series)');
  await db.destroy();

  console.log('\nfull CSV export of every case (/open-data/requests.csv over HTTP, each in its own process; target <= 20 s, peak RSS <= 256 MB):');
  const exported = await exportBench(bench.path);
  for (const [what, m] of [['Townhall export', exported.townhall], ['bare select, unformatted', exported.bare]] as const) {
    console.log(`  ${what.padEnd(26)} ${m.seconds.toFixed(1).padStart(6)} s  peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB  ${m.rows.toLocaleString('en-GB')} rows, ${(m.bytes / 1e6).toFixed(0)} MB`);
  }
  console.log(`  ratio ${(exported.townhall.seconds / exported.bare.seconds).toFixed(2)} (time)`);
} finally {
  await db.destroy().catch(() => {});
  if (!process.env.BENCH_DIR) rmSync(bench.dir, { recursive: true, force: true });
}
