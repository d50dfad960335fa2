/**
 * Intake benchmark: how many Open311 requests a second Townhall takes in and serves on SQLite,
 * beside a bare Fastify + SQLite server measured in the same run (machines here are shared and
 * noisy, so only the ratio means much). Run: npm run bench:intake  (BENCH_SECONDS=10 by default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const serverScript = fileURLToPath(new URL('./intake-servers.ts', import.meta.url));

interface Started { child: ChildProcess; base: string; apiKey: string }

async function start(mode: 'townhall' | 'bare'): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    const match = /READY (\d+) (\S+)/.exec(output);
    if (match) return { child, base: `http://127.0.0.1:${match[1]}`, apiKey: match[2] as string };
  }
  throw new Error(`${mode} server did not start: ${output}`);
}

function form(apiKey: string): string {
  return new URLSearchParams([
    ['api_key', apiKey], ['service_code', 'pothole'], ['lat', '37.7749'], ['long', '-122.4194'],
    ['description', 'A deep pothole in the cycle lane outside the library.'], ['email', 'resident@example.org'],
    ['attribute[size]', 'large'],
  ]).toString();
}

async function load(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration: seconds, ...options });
}

interface Figures { postRps: number; postP99: number; getRps: number; getP99: number; errors: number }

async function measure(mode: 'townhall' | 'bare'): Promise<Figures> {
  const server = await start(mode);
  try {
    const body = form(server.apiKey);
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    // Warm up, and make sure the request is accepted (a benchmark of 400s would prove nothing).
    const first = await fetch(`${server.base}/open311/v2/requests.json`, { method: 'POST', headers, body });
    if (first.status !== 201) throw new Error(`${mode}: POST answered ${first.status}: ${await first.text()}`);
    await load(`${server.base}/open311/v2/requests.json`, { method: 'POST', headers, body, duration: 2 });
    const post = await load(`${server.base}/open311/v2/requests.json`, { method: 'POST', headers, body });
    const get = await load(`${server.base}/open311/v2/requests/1.json`, {});
    return {
      postRps: post.requests.average, postP99: post.latency.p99, getRps: get.requests.average, getP99: get.latency.p99,
      errors: post.non2xx + post.errors + get.non2xx + get.errors,
    };
  } finally {
    server.child.kill('SIGTERM');
  }
}

const bare = await measure('bare');
const townhall = await measure('townhall');
const row = (name: string, f: Figures) => `${name.padEnd(10)} ${f.postRps.toFixed(0).padStart(8)} ${f.postP99.toFixed(1).padStart(8)} ${f.getRps.toFixed(0).padStart(8)} ${f.getP99.toFixed(1).padStart(8)} ${String(f.errors).padStart(7)}`;
console.log(`\nIntake benchmark on SQLite: ${connections} connections, ${seconds} s per figure`);
console.log(`${''.padEnd(10)} ${'POST/s'.padStart(8)} ${'p99 ms'.padStart(8)} ${'GET/s'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(7)}`);
console.log(row('bare', bare));
console.log(row('townhall', townhall));
console.log(`ratio townhall/bare: POST ${(townhall.postRps / bare.postRps).toFixed(2)}, GET ${(townhall.getRps / bare.getRps).toFixed(2)} (target >= 0.50 each)`);
