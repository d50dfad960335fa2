/**
 * Where an Open311 POST's time goes: starts the Townhall server of bench/intake.ts (the demo
 * city, an email on every POST), loads it with POSTs, and prints the event loop's delay (its
 * stalls hold every request in flight, so they make the p99) and the top entries of a CPU profile
 * of the server taken under that load.
 *
 *   node --import tsx bench/intake-profile.ts [seconds, default 10] [top entries, default 15]
 *   BENCH_CONNECTIONS=50 as in bench/intake.ts; BENCH_KEEP_PROFILE=<file> keeps the profile;
 *   BENCH_NO_PROFILE=1 measures without the profiler (which slows the server down)
 * Also prints the server's CPU time per POST: on a shared, loaded machine it varies far less than
 * the rate does.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.argv[2] ?? 10);
const top = process.argv[3] ?? '15';
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'townhall-profile-'));
const profile = process.env.BENCH_NO_PROFILE === '1' ? null : process.env.BENCH_KEEP_PROFILE ?? join(dir, 'server.cpuprofile');
const serverScript = fileURLToPath(new URL('./intake-servers.ts', import.meta.url));

const child = spawn(process.execPath, ['--import', 'tsx', serverScript, 'townhall'], {
  stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(profile ? { BENCH_PROFILE: profile } : {}), BENCH_LOOP_DELAY: '1' },
});
let serverErr = '';
child.stderr!.on('data', (chunk) => { serverErr += String(chunk); });
let posts = 0;
try {
  let output = '';
  let ready: RegExpExecArray | null = null;
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    ready = /READY (\d+) (\S+)/.exec(output);
    if (ready) break;
  }
  if (!ready) throw new Error(`the server did not start: ${output}`);
  const url = `http://127.0.0.1:${ready[1]}/open311/v2/requests.json`;
  const body = new URLSearchParams([
    ['api_key', ready[2]!], ['service_code', 'pothole'], ['lat', '37.7749'], ['long', '-122.4194'],
    ['description', 'A deep pothole in the cycle lane outside the library.'], ['email', 'resident@example.org'], ['attribute[size]', 'large'],
  ]).toString();
  // Warmed up first, as bench/intake.ts does (the profile, the delays and the CPU count the warm-up too).
  const warmUp = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, connections, duration: 2 });
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, connections, duration: seconds });
  posts = warmUp.requests.total + result.requests.total;
  console.log(`POST: ${result.requests.average.toFixed(0)}/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms, non-2xx ${result.non2xx + result.errors}`);
} finally {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  process.stderr.write(serverErr.replace(/^SERVER CPU.*\n?/m, ''));
  const cpu = /SERVER CPU (\d+) ms/.exec(serverErr);
  if (cpu && posts > 0) console.log(`server CPU per POST: ${(Number(cpu[1]) / posts).toFixed(2)} ms (${cpu[1]} ms for ${posts} POSTs)`);
}
if (profile) console.log(execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./cpuprofile-top.ts', import.meta.url)), profile, top], { encoding: 'utf8' }));
rmSync(dir, { recursive: true, force: true });
