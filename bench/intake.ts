/**
 * Intake benchmark, in one run on SQLite (machines here are shared and noisy, so the ratios to a
 * baseline measured in the same run mean more than the rates):
 *   1. Open311 POST (with an email, so an acknowledgement is queued) and GET of one request,
 *      Townhall on the demo city against a bare Fastify + better-sqlite3 server;
 *   2. the POST rate with 1,000,000 open cases against the rate with 10,000 (cases added in
 *      bulk SQL, not through the API);
 *   3. the memory the built release (`townhall serve --demo`) holds, idle, once the demo has loaded;
 *   4. the query plans of every statement one POST and one GET run, at that size.
 * Each figure is printed beside its target. Only loopback addresses are used.
 *
 *   npm run bench:intake                      BENCH_SECONDS=10, BENCH_CONNECTIONS=50, 1,000,000 cases
 *   BENCH_QUICK=1 npm run bench:intake        3 s per figure, 200,000 cases: a quick look
 *   BENCH_OPEN_CASES=500000                   another size for the large city
 *   BENCH_PARTS=ratios,rss                    only some parts (ratios, rss, city, plans; default all)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { fillOpenCases } from './intake-seed.js';
import { explainHotQueries } from './intake-plans.js';

const quick = process.env.BENCH_QUICK === '1';
const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 3 : 10));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const largeCity = Number(process.env.BENCH_OPEN_CASES ?? (quick ? 200_000 : 1_000_000));
const smallCity = 10_000;
const serverScript = fileURLToPath(new URL('./intake-servers.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'townhall-bench-'));

const parts = new Set((process.env.BENCH_PARTS ?? 'ratios,rss,city,plans').split(',').map((p) => p.trim()));
const targets = { post: 0.3, get: 0.6, p99: 100, growth: 1.5, rssMb: 150 };

interface Started { child: ChildProcess; base: string; apiKey: string }

async function start(mode: 'townhall' | 'bare', database?: string): Promise<Started> {
  const env = { ...process.env, ...(database ? { BENCH_DATABASE: database } : {}) };
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript, mode], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    const match = /READY (\d+) (\S+)/.exec(output);
    if (match) return { child, base: `http://127.0.0.1:${match[1]}`, apiKey: match[2] as string };
  }
  throw new Error(`${mode} server did not start: ${output}`);
}

async function stop(server: Started): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

function form(apiKey: string): string {
  return new URLSearchParams([
    ['api_key', apiKey], ['service_code', 'pothole'], ['lat', '37.7749'], ['long', '-122.4194'],
    ['description', 'A deep pothole in the cycle lane outside the library.'], ['email', 'resident@example.org'],
    ['attribute[size]', 'large'],
  ]).toString();
}

const headers = { 'content-type': 'application/x-www-form-urlencoded' };

async function load(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, ...options });
}

/** Posts once (a benchmark of refusals would prove nothing), warms up, then measures POSTs. */
async function measurePosts(server: Started, mode: string): Promise<autocannon.Result> {
  const url = `${server.base}/open311/v2/requests.json`;
  const body = form(server.apiKey);
  const first = await fetch(url, { method: 'POST', headers, body });
  if (first.status !== 201) throw new Error(`${mode}: POST answered ${first.status}: ${await first.text()}`);
  await load(url, { method: 'POST', headers, body, duration: Math.min(2, seconds) });
  return load(url, { method: 'POST', headers, body });
}

interface Figures { postRps: number; postP99: number; getRps: number; getP99: number; non2xx: number }

async function measure(server: Started, mode: string): Promise<Figures> {
  const post = await measurePosts(server, mode);
  const get = await load(`${server.base}/open311/v2/requests/1.json`, {});
  return {
    postRps: post.requests.average, postP99: post.latency.p99, getRps: get.requests.average, getP99: get.latency.p99,
    non2xx: post.non2xx + post.errors + get.non2xx + get.errors,
  };
}

/** Resident memory of a process, in MB (Linux). */
function residentMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** A free loopback port, for a process that takes its port from the environment. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The memory of Townhall as it ships: the built release (`townhall serve --demo`, compiled
 * JavaScript, no tsx), idle 3 s after the demo has loaded and it answers /readyz.
 */
async function idleReleaseRss(): Promise<number> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: root, stdio: 'ignore' });
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'release.db')}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', MAIL_MODE: 'dev' };
  const child = spawn(process.execPath, ['bin/townhall.js', 'serve', '--demo'], { cwd: root, env, stdio: 'ignore' });
  try {
    for (let tries = 0; tries < 600; tries++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return residentMb(child.pid!);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const verdict = (met: boolean) => (met ? 'met' : 'NOT MET');
const fixed = (n: number, digits = 0) => n.toFixed(digits).padStart(8);

try {
  // 1. Townhall against the bare baseline; the idle memory is read before the load.
  let bare: Figures | null = null;
  let townhall: Figures | null = null;
  if (parts.has('ratios')) {
    const bareServer = await start('bare');
    bare = await measure(bareServer, 'bare').finally(() => stop(bareServer));
  }
  const idleRss = parts.has('rss') ? await idleReleaseRss() : null;
  if (parts.has('ratios')) {
    const demoServer = await start('townhall');
    townhall = await measure(demoServer, 'townhall').finally(() => stop(demoServer));
  }

  // 2. The same POSTs in a city with 10,000 open cases, then with a million.
  const cityFile = join(dir, 'city.db');
  let small: autocannon.Result | null = null;
  let large: autocannon.Result | null = null;
  if (parts.has('city') || parts.has('plans')) {
    await stop(await start('townhall', cityFile)); // migrates and seeds the demo
    const cityRate = async (open: number) => {
      const started = Date.now();
      const added = fillOpenCases(cityFile, open);
      console.error(`  ${added.toLocaleString('en')} open cases added in ${((Date.now() - started) / 1000).toFixed(0)} s (now ${open.toLocaleString('en')})`);
      if (!parts.has('city')) return null;
      const server = await start('townhall', cityFile);
      try {
        return await measurePosts(server, 'townhall');
      } finally {
        await stop(server);
      }
    };
    small = await cityRate(smallCity);
    large = await cityRate(largeCity);
  }

  // 3 and 4: printed last, with everything measured.
  const row = (name: string, f: Figures) => `${name.padEnd(10)} ${fixed(f.postRps)} ${fixed(f.postP99, 1)} ${fixed(f.getRps)} ${fixed(f.getP99, 1)} ${String(f.non2xx).padStart(8)}`;
  console.log(`\nIntake benchmark on SQLite: ${connections} connections, ${seconds} s per figure, an email on every POST${quick ? ' (quick run)' : ''}`);
  if (bare && townhall) {
    console.log(`${''.padEnd(10)} ${'POST/s'.padStart(8)} ${'p99 ms'.padStart(8)} ${'GET/s'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}`);
    console.log(row('bare', bare));
    console.log(row('townhall', townhall));
  }
  console.log('\nfigure                                       measured      target   verdict');
  const line = (name: string, measured: string, target: string, met: boolean) => console.log(`${name.padEnd(44)} ${measured.padStart(9)} ${target.padStart(11)}   ${verdict(met)}`);
  if (bare && townhall) {
    const postRatio = townhall.postRps / bare.postRps;
    const getRatio = townhall.getRps / bare.getRps;
    const p99 = Math.max(townhall.postP99, townhall.getP99);
    line('POST ratio townhall/bare', postRatio.toFixed(2), `>= ${targets.post}`, postRatio >= targets.post);
    line('GET one request ratio townhall/bare', getRatio.toFixed(2), `>= ${targets.get}`, getRatio >= targets.get);
    line('p99 latency, POST and GET (ms)', p99.toFixed(0), `<= ${targets.p99}`, p99 <= targets.p99);
    line('non-2xx answers', String(townhall.non2xx), '0', townhall.non2xx === 0);
  }
  if (small && large) {
    const growth = small.requests.average / large.requests.average;
    line(`POST/s with ${smallCity.toLocaleString('en')} open cases`, small.requests.average.toFixed(0), '', true);
    line(`POST/s with ${largeCity.toLocaleString('en')} open cases`, large.requests.average.toFixed(0), '', true);
    line('slow-down, small city to large', `${growth.toFixed(2)}x`, `<= ${targets.growth}x`, growth <= targets.growth);
  }
  if (idleRss !== null) line('idle RSS after the demo loads (MB)', idleRss.toFixed(0), `<= ${targets.rssMb}`, idleRss <= targets.rssMb);

  if (parts.has('plans')) {
    console.log(`\nQuery plans of one POST and one GET with ${largeCity.toLocaleString('en')} open cases (SQLite EXPLAIN QUERY PLAN):`);
    console.log(await explainHotQueries(cityFile));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
