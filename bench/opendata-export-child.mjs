/**
 * One measurement of bench/opendata-export.ts, in a process of its own so its peak RSS is its
 * own. Plain JavaScript on the built server (dist/, as `npm start` runs it): under the TypeScript
 * loader a process holds some 65 MB more (the loader's thread and compiled sources), which a
 * council's server never carries.
 *
 *   node bench/opendata-export-child.mjs export|idle|baseline <database file>
 *
 * Prints one line of JSON: { seconds, rows, bytes, peakRssMb }.
 */
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import SQLite from 'better-sqlite3';

const cityConfig = (file) => ({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent', PORT: '0' });

/**
 * The peak RSS is the measured work's own: Linux lets a process start its high-water mark afresh
 * (5 written to clear_refs), so the start-up (modules loaded, assets compressed) is left out and
 * measured on its own as the idle server's footprint. Elsewhere it is the process's whole peak.
 */
function resetPeakRss() {
  try { writeFileSync('/proc/self/clear_refs', '5'); } catch { /* not Linux: the whole-process peak is reported */ }
}
function peakRssMb() {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * The export through the server (the download route, read by a plain HTTP client that counts
 * bytes and lines and drops them); `idle` asks only for /healthz, and its peak is the server's
 * whole life's, start-up included.
 */
async function measureExport(file, idle) {
  const { loadConfig } = await import('../dist/config.js');
  const { openDatabase } = await import('../dist/db/connection.js');
  const { buildApp } = await import('../dist/app.js');
  const { makeKeyring, newKey } = await import('../dist/platform/crypto.js');
  const config = loadConfig(cityConfig(file));
  const db = openDatabase(config.databaseUrl);
  const app = await buildApp({ config, db, keyring: makeKeyring(newKey()), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  if (!idle) resetPeakRss();
  const started = process.hrtime.bigint();
  let bytes = 0;
  let rows = -1; // the header line
  await new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: app.server.address().port, path: idle ? '/healthz' : '/open-data/requests.csv' }, (response) => {
      if (response.statusCode !== 200) { reject(new Error(`The export answered ${response.statusCode}`)); response.resume(); return; }
      response.on('data', (chunk) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      });
      response.on('end', resolve);
      response.on('error', reject);
    }).on('error', reject);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peak = peakRssMb();
  await app.close();
  await db.destroy();
  return { seconds, rows: idle ? 0 : rows, bytes, peakRssMb: peak };
}

/** The bare baseline: the same rows and columns read in id order and written out unformatted. */
async function measureBaseline(file) {
  const { loadConfig } = await import('../dist/config.js');
  const jurisdictionId = loadConfig(cityConfig(file)).jurisdiction.id;
  const sqlite = new SQLite(file, { readonly: true });
  resetPeakRss();
  const started = process.hrtime.bigint();
  const out = createWriteStream('/dev/null');
  const statement = sqlite.prepare(`select c.id, c.service_code, c.status, c.state, c.requested_at, c.updated_at, c.closed_at, c.expected_at, c.description, c.status_notes,
    c.lat, c.long, c.address_string, c.zipcode, c.channel, d.code, d.name from cases c left join departments d on d.id = c.department_id
    where (c.jurisdiction_id || '') = ? and c.kind = 'service_request' order by c.id`).raw();
  let rows = 0;
  let bytes = 0;
  let buffer = '';
  for (const row of statement.iterate(jurisdictionId)) {
    buffer += `${row.join(',')}\n`;
    rows++;
    if (buffer.length > 1 << 16) {
      bytes += buffer.length;
      if (!out.write(buffer)) await new Promise((resolve) => out.once('drain', resolve));
      buffer = '';
    }
  }
  bytes += buffer.length;
  out.end(buffer);
  await new Promise((resolve) => out.once('finish', resolve));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  sqlite.close();
  return { seconds, rows, bytes, peakRssMb: peakRssMb() };
}

const [kind, file] = process.argv.slice(2);
if ((kind !== 'export' && kind !== 'idle' && kind !== 'baseline') || !file) throw new Error('usage: opendata-export-child.mjs export|idle|baseline <database file>');
const measured = kind === 'baseline' ? await measureBaseline(file) : await measureExport(file, kind === 'idle');
process.stdout.write(`${JSON.stringify(measured)}\n`);
