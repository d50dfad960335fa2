/**
 * Licences, the part of bench/applications that part B owns:
 *  1. /verify/<token> with LICENCES (default 100,000) licences loaded: requests a second and
 *     p50/p99 latency with autocannon, each request a different licence (1,000 sampled, a
 *     fiftieth of them revoked), beside a bare Fastify server answering a static page of the
 *     same size, measured in the same run; target p99 <= 50 ms;
 *  2. licence issuing with its PDF per second (issueLicence then licencePdf, one at a time),
 *     and the PDF alone.
 * Run: npm run bench:licences  (BENCH_SECONDS=10, BENCH_CONNECTIONS=10, LICENCES=100000,
 * BENCH_PDF_SECONDS=5; BENCH_POSTGRES_URL=postgres://... to load a PostgreSQL database instead
 * of a fresh SQLite file: it is emptied first)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

async function start(args: string[]): Promise<{ child: ChildProcess; base: string; extra: string; pdf?: [number, number] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./licences-server.ts', import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    const match = /READY (\d+) (\S+)/.exec(output);
    if (match) {
      const pdf = /PDF ([\d.]+) ([\d.]+)/.exec(output);
      return { child, base: `http://127.0.0.1:${match[1]}`, extra: match[2]!, pdf: pdf ? [Number(pdf[1]), Number(pdf[2])] : undefined };
    }
  }
  throw new Error(`licences-server ${args.join(' ')} did not start: ${output}`);
}

const began = Date.now();
const townhall = await start(['townhall']);
console.log(`Loaded ${process.env.LICENCES ?? 100_000} licences on ${process.env.BENCH_POSTGRES_URL ? 'PostgreSQL' : 'SQLite'} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
const tokens = JSON.parse(readFileSync(townhall.extra, 'utf8')) as string[];
const sample = await fetch(`${townhall.base}/verify/${tokens[1]}`, { headers: { accept: 'text/html' } });
const size = (await sample.text()).length;
if (sample.status !== 200) throw new Error(`/verify answered ${sample.status}`);
const bare = await start(['bare', String(size)]);
try {
  let next = 0;
  const load = (base: string, duration = seconds) => autocannon({
    url: base, connections, duration, headers: { accept: 'text/html' },
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/verify/${tokens[next++ % tokens.length]}` }) }],
  });
  await load(bare.base, 2);
  const baseline = await load(bare.base);
  await load(townhall.base, 2);
  const real = await load(townhall.base);
  console.log(`\n/verify/<token> (${size} bytes of HTML, ${tokens.length} different licences): ${connections} connections, ${seconds} s each`);
  console.log(`${''.padEnd(10)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}`);
  for (const [name, r] of [['bare', baseline], ['townhall', real]] as const) {
    console.log(`${name.padEnd(10)} ${r.requests.average.toFixed(0).padStart(8)} ${r.latency.p50.toFixed(1).padStart(8)} ${r.latency.p99.toFixed(1).padStart(8)} ${String(r.non2xx + r.errors).padStart(8)}`);
  }
  console.log(`ratio townhall/bare (req/s): ${(real.requests.average / baseline.requests.average).toFixed(2)}; p99 target 50 ms: ${real.latency.p99 <= 50 ? 'met' : 'NOT met'}`);
  if (townhall.pdf) {
    console.log(`\nLicence issuing with its PDF: ${townhall.pdf[0].toFixed(1)} a second (one at a time); the PDF alone: ${townhall.pdf[1].toFixed(1)} a second`);
  }
} finally {
  townhall.child.kill('SIGTERM');
  bare.child.kill('SIGTERM');
}
