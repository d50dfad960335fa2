/**
 * Issue 12's bench: with APPLICATIONS (default 100,000) applications loaded (see
 * applications-server.ts for how, and its fast path), it prints, each beside a bare baseline
 * measured in the same run:
 *  1. the staff application queue page (a supervisor's department queue filtered to the
 *     application service, as /staff?queue=department&service=...): p50 and p95 of REQUESTS
 *     (default 60) requests one at a time, beside bare Fastify sending a fixed page of the same
 *     size; target p95 <= 300 ms;
 *  2. licence issuing with its PDF per second (issueLicence then licencePdf, one at a time) and
 *     the PDF alone, beside bare pdf-lib making a one-page PDF with as much text;
 *  3. /verify/<token> over the issued licences (autocannon, BENCH_CONNECTIONS for
 *     BENCH_SECONDS, each request another licence), p50/p99 and requests a second, beside bare
 *     Fastify sending a fixed page of the same size; target p99 <= 50 ms;
 * and the query plans of the queue page's queries (EXPLAIN QUERY PLAN / EXPLAIN), flagging a
 * full scan of cases. The machine's load average is printed at the start and the end: on a
 * shared machine the figures are indicative.
 *
 * Run: npm run bench:applications                                 (SQLite, a temporary file)
 *      BENCH_POSTGRES_URL=postgres://... npm run bench:applications   (PostgreSQL, a schema of its own, dropped after)
 *      APPLICATIONS=10000 REQUESTS=60 BENCH_SECONDS=10 BENCH_CONNECTIONS=10 BENCH_PDF_SECONDS=5 to change the sizes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const requests = Number(process.env.REQUESTS ?? 60);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const load = () => loadavg().map((n) => n.toFixed(1)).join(', ');

/** Starts a bench server script and waits for its READY line; every other line it prints is passed on. */
async function start(script: string, args: string[], onLine: (line: string) => void = () => {}): Promise<{ child: ChildProcess; ready: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  let buffered = '';
  for await (const chunk of child.stdout ?? []) {
    buffered += String(chunk);
    let end: number;
    while ((end = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line.startsWith('READY ')) return { child, ready: line.split(' ').slice(1) };
      onLine(line);
    }
  }
  throw new Error(`${script} ${args.join(' ')} stopped before it was ready`);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** `count` GETs one at a time; the milliseconds of each, sorted. */
async function timeSequential(url: string, headers: Record<string, string>, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < count; n++) {
    const began = performance.now();
    const response = await fetch(url, { headers });
    await response.text();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    times.push(performance.now() - began);
  }
  return times.sort((a, b) => a - b);
}

console.log(`Load average at the start: ${load()} (${process.env.BENCH_POSTGRES_URL ? 'PostgreSQL' : 'SQLite'})`);
const plans: string[] = [];
let pdf: number[] = [];
const townhall = await start('./applications-server.ts', [], (line) => {
  if (line.startsWith('PLAN ')) plans.push(line.slice(5));
  else if (line.startsWith('PDF ')) pdf = line.slice(4).split(' ').map(Number);
  else console.log(line);
});
const [port, session, tokensFile, service] = townhall.ready as [string, string, string, string];
const base = `http://127.0.0.1:${port}`;
const children: ChildProcess[] = [townhall.child];
try {
  console.log('\nThe application queue page\'s queries, alone (median of 15 runs), and their plans:');
  for (const plan of plans) {
    const full = /\bSCAN cases\b(?! USING)|Seq Scan on cases\b/.test(plan);
    console.log(`  ${full ? 'FULL SCAN ' : ''}${plan}`);
  }

  // ---- 1. The application queue page ----
  const queuePath = `/staff?queue=department&service=${service}`;
  const staffHeaders = { cookie: `townhall_session=${session}`, accept: 'text/html' };
  const first = await fetch(`${base}${queuePath}`, { headers: staffHeaders });
  const queueHtml = await first.text();
  if (first.status !== 200 || !queueHtml.includes('case-link')) throw new Error(`the queue page answered ${first.status} without cases: ${queueHtml.slice(0, 500)}`);
  const queueBare = await start('./licences-server.ts', ['bare', String(queueHtml.length)]);
  children.push(queueBare.child);
  const bareBase = `http://127.0.0.1:${queueBare.ready[0]}`;
  await timeSequential(`${bareBase}${queuePath}`, {}, 10);
  const bareQueue = await timeSequential(`${bareBase}${queuePath}`, {}, requests);
  await timeSequential(`${base}${queuePath}`, staffHeaders, 5);
  const realQueue = await timeSequential(`${base}${queuePath}`, staffHeaders, requests);
  console.log(`\nThe application queue page (${queueHtml.length} bytes), ${requests} requests one at a time:`);
  console.log(`${''.padEnd(10)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`);
  for (const [name, times] of [['bare', bareQueue], ['townhall', realQueue]] as const) console.log(`${name.padEnd(10)} ${percentile(times, 50).toFixed(1).padStart(8)} ${percentile(times, 95).toFixed(1).padStart(8)}`);
  console.log(`ratio townhall/bare (p95): ${(percentile(realQueue, 95) / percentile(bareQueue, 95)).toFixed(1)}; p95 target 300 ms: ${percentile(realQueue, 95) <= 300 ? 'met' : 'NOT met'}`);

  // ---- 2. Licence PDFs ----
  const [issuing, pdfAlone, barePdf] = pdf as [number, number, number];
  console.log(`\nLicence issuing with its PDF: ${issuing.toFixed(1)} a second (one at a time); the licence PDF alone: ${pdfAlone.toFixed(1)} a second; bare pdf-lib: ${barePdf.toFixed(1)} a second`);
  console.log(`ratio issuing/bare pdf-lib: ${(issuing / barePdf).toFixed(2)}; PDF alone/bare pdf-lib: ${(pdfAlone / barePdf).toFixed(2)}`);

  // ---- 3. /verify ----
  const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as string[];
  const sample = await fetch(`${base}/verify/${tokens[1]}`, { headers: { accept: 'text/html' } });
  const size = (await sample.text()).length;
  if (sample.status !== 200) throw new Error(`/verify answered ${sample.status}`);
  const verifyBare = await start('./licences-server.ts', ['bare', String(size)]);
  children.push(verifyBare.child);
  let next = 0;
  const hammer = (url: string, duration = seconds) => autocannon({
    url, connections, duration, headers: { accept: 'text/html' },
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/verify/${tokens[next++ % tokens.length]}` }) }],
  });
  const verifyBareBase = `http://127.0.0.1:${verifyBare.ready[0]}`;
  await hammer(verifyBareBase, 2);
  const baseline = await hammer(verifyBareBase);
  await hammer(base, 2);
  const real = await hammer(base);
  console.log(`\n/verify/<token> (${size} bytes of HTML, ${tokens.length} different licences): ${connections} connections, ${seconds} s each`);
  console.log(`${''.padEnd(10)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}`);
  for (const [name, r] of [['bare', baseline], ['townhall', real]] as const) {
    console.log(`${name.padEnd(10)} ${r.requests.average.toFixed(0).padStart(8)} ${r.latency.p50.toFixed(1).padStart(8)} ${r.latency.p99.toFixed(1).padStart(8)} ${String(r.non2xx + r.errors).padStart(8)}`);
  }
  console.log(`ratio townhall/bare (p99): ${(real.latency.p99 / Math.max(baseline.latency.p99, 0.1)).toFixed(1)}; p99 target 50 ms: ${real.latency.p99 <= 50 ? 'met' : 'NOT met'}`);
  console.log(`\nLoad average at the end: ${load()}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
}
