/**
 * Page weight and status-page speed of the resident portal. Starts Townhall on a temporary SQLite
 * database with the demo catalogue (bench/intake-servers.ts), then:
 *  1. for each public page, the bytes a browser sending "Accept-Encoding: gzip, br" transfers
 *     for the HTML and the CSS, JavaScript and images the page loads (the map library, its
 *     marker images and words when the page has a map; map tiles excluded), against a budget
 *     of 150 KB a page and 50 KB of JavaScript;
 *  2. requests a second on the status page (/requests/<id>) with autocannon, beside a bare
 *     Fastify server answering with a static HTML string of the same size, measured in the same
 *     run (shared machines are noisy: the ratio is the figure that means something).
 *  3. Lighthouse 12.2.3 (mobile, performance only) in Debian's Chromium against the demo city
 *     (`serve --demo`: the catalogue, gazetteer and history, so /reports has its 500 points):
 *     per page the bytes transferred and the performance score, against 150 KB and 95.
 * Run: npm run bench:pages  (BENCH_SECONDS=10, BENCH_CONNECTIONS=10 by default; BENCH_LIGHTHOUSE=0
 * skips part 3, BENCH_LIGHTHOUSE_ONLY=1 runs only it; CHROMIUM_PATH, default /usr/bin/chromium)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PAGE_BUDGET = 150 * 1024;
const JS_BUDGET = 50 * 1024;

async function start(script: string, args: string[]): Promise<{ child: ChildProcess; base: string; rest: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    const match = /READY (\d+) ?(\S*)/.exec(output);
    if (match) return { child, base: `http://127.0.0.1:${match[1]}`, rest: match[2] ?? '' };
  }
  throw new Error(`${script} did not start: ${output}`);
}

interface Fetched { status: number; bytes: number; body: Buffer; location: string | null; setCookies: string[] }

/** GET as a browser would, counting the bytes on the wire (still compressed). */
function get(base: string, path: string, cookies: Map<string, string>): Promise<Fetched> {
  const url = new URL(path, base);
  const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/html,*/*', 'accept-encoding': 'gzip, br', 'accept-language': 'en', ...(cookie ? { cookie } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const setCookies = res.headers['set-cookie'] ?? [];
        for (const line of setCookies) {
          const [pair = ''] = line.split(';');
          const eq = pair.indexOf('=');
          cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        resolve({ status: res.statusCode ?? 0, bytes: body.length, body, location: res.headers.location ?? null, setCookies });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

interface Weight { path: string; status: number; html: number; css: number; js: number; other: number; total: number; note: string }

async function weigh(base: string, path: string): Promise<Weight> {
  const cookies = new Map<string, string>();
  let page = await get(base, path, cookies);
  let finalPath = path;
  // /report/new leads to the journey's first step: follow on-site redirects, as a browser does.
  for (let hops = 0; hops < 5 && page.status >= 300 && page.status < 400 && page.location; hops++) {
    finalPath = new URL(page.location, base).pathname + new URL(page.location, base).search;
    page = await get(base, finalPath, cookies);
  }
  const note = finalPath === path ? '' : `-> ${finalPath}`;
  if (page.status !== 200) return { path, status: page.status, html: page.bytes, css: 0, js: 0, other: 0, total: page.bytes, note: `${note} MISSING (${page.status})`.trim() };
  const html = page.body.toString('utf8');
  const attr = (tag: RegExp) => [...html.matchAll(tag)].map((m) => m[1]!).filter((src) => src.startsWith('/'));
  const css = new Set(attr(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g));
  const js = new Set(attr(/<script[^>]+src="([^"]+)"/g));
  const other = new Set<string>();
  if (js.has('/assets/offline.js')) js.add('/sw.js'); // the service worker it installs
  if (/data-map=/.test(html)) {
    js.add('/assets/leaflet/leaflet.js');
    css.add('/assets/leaflet/leaflet.css');
    other.add('/assets/leaflet/images/marker-icon.png').add('/assets/leaflet/images/marker-shadow.png');
    for (const url of attr(/data-points-url="([^"]+)"/g)) other.add(url.replace(/&amp;/g, '&'));
  }
  if (/data-map=|offline\.js/.test(html)) other.add('/assets/i18n/en.json'); // the scripts' words
  const sum = async (paths: Set<string>) => {
    let total = 0;
    for (const p of paths) {
      const answer = await get(base, p, cookies);
      if (answer.status !== 200) throw new Error(`${path} loads ${p}, which answered ${answer.status}`);
      total += answer.bytes;
    }
    return total;
  };
  const weights = { html: page.bytes, css: await sum(css), js: await sum(js), other: await sum(other) };
  return { path, status: 200, ...weights, total: weights.html + weights.css + weights.js + weights.other, note };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const LIGHTHOUSE_SCORE = 95;

/** Lighthouse's mobile run of each page (performance only), in Debian's Chromium. */
async function lighthouseRuns(): Promise<number> {
  const demo = await start('./pages-demo-server.ts', []);
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let failures = 0;
  try {
    const pages = ['/', '/services', '/services/pothole', '/report/location', '/reports', `/requests/${demo.rest}`, '/apply', '/apply/street-party', '/verify', '/licences', '/accessibility', '/privacy'];
    console.log(`\nLighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version} (mobile: slow 4G, 4x CPU slowdown), against the demo city. Targets: <= ${kb(PAGE_BUDGET)} transferred, performance >= ${LIGHTHOUSE_SCORE}.`);
    console.log(`${'page'.padEnd(22)} ${'transferred'.padStart(12)} ${'score'.padStart(6)} ${'TBT ms'.padStart(7)} ${'LCP ms'.padStart(7)}  verdict`);
    for (const path of pages) {
      // The report journey's pages need a draft: start one the way a browser would.
      const url = path === '/report/location' ? `${demo.base}/report/new?service=pothole` : `${demo.base}${path}`;
      const run = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
      if (!run) throw new Error(`Lighthouse gave no result for ${path}`);
      const { lhr } = run;
      const bytes = Number(lhr.audits['total-byte-weight']?.numericValue ?? NaN);
      const score = Math.round((lhr.categories.performance?.score ?? 0) * 100);
      const tbt = Number(lhr.audits['total-blocking-time']?.numericValue ?? NaN);
      const lcp = Number(lhr.audits['largest-contentful-paint']?.numericValue ?? NaN);
      const ok = bytes <= PAGE_BUDGET && score >= LIGHTHOUSE_SCORE;
      if (!ok) failures++;
      console.log(`${path.padEnd(22)} ${kb(bytes).padStart(12)} ${String(score).padStart(6)} ${tbt.toFixed(0).padStart(7)} ${lcp.toFixed(0).padStart(7)}  ${ok ? 'ok' : 'MISSED'}${lhr.runtimeError ? ` (${lhr.runtimeError.message})` : ''}`);
    }
    console.log(failures === 0 ? 'Every page meets both targets.' : `${failures} page(s) missed a target.`);
  } finally {
    await chrome.kill();
    demo.child.kill('SIGTERM');
  }
  return failures;
}

if (process.env.BENCH_LIGHTHOUSE_ONLY === '1') {
  await lighthouseRuns();
  process.exit(0);
}

const townhall = await start('./intake-servers.ts', ['townhall']);
const children: ChildProcess[] = [townhall.child];
try {
  // One case to show, and a service to open.
  const created = await fetch(`${townhall.base}/open311/v2/requests.json`, {
    method: 'POST',
    body: new URLSearchParams({ api_key: townhall.rest, service_code: 'pothole', lat: '37.7749', long: '-122.4194', description: 'A deep pothole in the cycle lane outside the library.', 'attribute[size]': 'large' }),
  });
  const caseId = created.ok ? ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id : '1';
  const pages = ['/', '/services', '/services/pothole', '/report/new', '/reports', `/requests/${caseId}`, '/apply', '/verify', '/licences', '/accessibility', '/privacy', '/offline'];

  console.log(`\nPage weight (Accept-Encoding: gzip, br; map tiles excluded). Budget ${kb(PAGE_BUDGET)} a page, ${kb(JS_BUDGET)} of JavaScript.`);
  console.log(`${'page'.padEnd(22)} ${'HTML'.padStart(9)} ${'CSS'.padStart(9)} ${'JS'.padStart(9)} ${'other'.padStart(9)} ${'total'.padStart(9)}  budget`);
  let failures = 0;
  for (const path of pages) {
    const w = await weigh(townhall.base, path);
    const verdict = w.status !== 200 ? 'n/a' : [w.total <= PAGE_BUDGET ? 'page ok' : 'PAGE OVER', w.js <= JS_BUDGET ? 'js ok' : 'JS OVER'].join(', ');
    if (w.status === 200 && (w.total > PAGE_BUDGET || w.js > JS_BUDGET)) failures++;
    console.log(`${path.padEnd(22)} ${kb(w.html).padStart(9)} ${kb(w.css).padStart(9)} ${kb(w.js).padStart(9)} ${kb(w.other).padStart(9)} ${kb(w.total).padStart(9)}  ${verdict} ${w.note}`);
  }
  console.log(failures === 0 ? 'Every page found is within its budget.' : `${failures} page(s) over budget.`);

  const statusPath = `/requests/${caseId}`;
  const status = await get(townhall.base, statusPath, new Map());
  if (status.status !== 200) {
    console.log(`\nThe status page ${statusPath} answered ${status.status}: no speed figure.`);
  } else {
    const bare = await start('./pages-baseline.ts', [String(status.bytes)]);
    children.push(bare.child);
    const headers = { accept: 'text/html', 'accept-encoding': 'gzip, br' };
    const load = (url: string, duration = seconds) => autocannon({ url, connections, duration, headers });
    await load(`${bare.base}${statusPath}`, 2);
    const baseline = await load(`${bare.base}${statusPath}`);
    await load(`${townhall.base}${statusPath}`, 2);
    const real = await load(`${townhall.base}${statusPath}`);
    console.log(`\nStatus page ${statusPath} (${kb(status.bytes)} of HTML): ${connections} connections, ${seconds} s each`);
    console.log(`${''.padEnd(10)} ${'req/s'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)}`);
    for (const [name, r] of [['bare', baseline], ['townhall', real]] as const) {
      console.log(`${name.padEnd(10)} ${r.requests.average.toFixed(0).padStart(8)} ${r.latency.p99.toFixed(1).padStart(8)} ${String(r.non2xx + r.errors).padStart(8)}`);
    }
    console.log(`ratio townhall/bare: ${(real.requests.average / baseline.requests.average).toFixed(2)}`);
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
}
if (process.env.BENCH_LIGHTHOUSE !== '0') await lighthouseRuns();
