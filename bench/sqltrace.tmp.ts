import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
const stats = new Map<string, { n: number; ms: number }>();
const proto = (SQLite as unknown as { prototype: { prepare: (s: string) => unknown } }).prototype;
const origPrepare = proto.prepare;
proto.prepare = function (this: unknown, text: string) {
  const st = origPrepare.call(this, text) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['all', 'get', 'run', 'iterate']) {
    const f = st[m]!;
    st[m] = function (this: unknown, ...a: unknown[]) { const t = performance.now(); try { return f.apply(this, a); } finally { const e = stats.get(text) ?? { n: 0, ms: 0 }; e.n++; e.ms += performance.now() - t; stats.set(text, e); } };
  }
  return st;
};
const { buildApp } = await import('../src/app.js');
const { createApiKey } = await import('../src/apikeys/apikeys.js');
const { loadConfig } = await import('../src/config.js');
const { openDatabase } = await import('../src/db/connection.js');
const { migrateToLatest } = await import('../src/db/migrate.js');
const { loadKeys } = await import('../src/platform/keys.js');
const { seedDemo } = await import('../src/demo/seed.js');
const dir = mkdtempSync(join(tmpdir(), 'townhall-trace-'));
const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 't.db')}`, LOG_LEVEL: 'silent', TOWNHALL_API_RATE_LIMIT: '1000000000' });
const db = openDatabase(config.databaseUrl);
const { keyring } = loadKeys(config.databaseUrl);
await migrateToLatest(db);
await seedDemo(db, config, keyring);
const { key } = await createApiKey(db, { name: 'bench' }, 'bench');
const app = await buildApp({ config, db, keyring, logger: false });
const body = new URLSearchParams([['api_key', key], ['service_code', process.env.SVC ?? 'pothole'], ['lat', '37.7749'], ['long', '-122.4194'], ['description', 'A deep pothole.'], ['email', 'resident@example.org'], ['attribute[size]', 'large']]).toString();
const n = Number(process.env.N ?? 300);
for (let i = 0; i < 20; i++) await app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
stats.clear();
const { Session } = await import('node:inspector/promises');
const { writeFileSync } = await import('node:fs');
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
let t = performance.now();
const C = Number(process.env.C ?? 1);
await Promise.all(Array.from({ length: C }, async () => { for (let i = 0; i < n / C; i++) { const r = await app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body }); if (r.statusCode !== 201) throw new Error(r.body); } }));
const postMs = performance.now() - t;
const { profile } = await session.post('Profiler.stop');
writeFileSync(process.env.PROF ?? '/tmp/perfprof/post.cpuprofile', JSON.stringify(profile));
const show = (label: string, total: number) => {
  const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
  let sum = 0; for (const [, v] of rows) sum += v.ms;
  console.log(`${label}: ${(total / n).toFixed(2)} ms per request, SQL ${(sum / n).toFixed(2)} ms in ${(rows.reduce((a, [, v]) => a + v.n, 0) / n).toFixed(1)} statements`);
  for (const [s, v] of rows.slice(0, Number(process.env.TOP ?? 12))) console.log(`  ${(v.ms / n).toFixed(3)} ms x${(v.n / n).toFixed(1)}  ${s.slice(0, 230)}`);
};
show('POST', postMs);
stats.clear();
t = performance.now();
for (let i = 0; i < n; i++) { const r = await app.inject({ method: 'GET', url: '/open311/v2/requests/1.json' }); if (r.statusCode !== 200) throw new Error(r.body); }
show('GET', performance.now() - t);
process.exit(0);
