/**
 * The PostgreSQL side of the intake benchmark: the query plans (EXPLAIN) of what one Open311
 * POST (with an email) and one GET of a request run, in a city of BENCH_OPEN_CASES open cases
 * (default 200,000) added in bulk SQL. Uses a fresh schema in the database BENCH_POSTGRES_URL
 * names (on loopback), dropped afterwards.
 *
 *   BENCH_POSTGRES_URL=postgres://user:password@127.0.0.1:5432/db npm run bench:intake-postgres
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadKeys } from '../src/platform/keys.js';
import { seedDemo } from '../src/demo/seed.js';

const url = process.env.BENCH_POSTGRES_URL;
if (!url) {
  console.error('Set BENCH_POSTGRES_URL to a PostgreSQL database this bench may add a schema to.');
  process.exit(2);
}
const openCases = Number(process.env.BENCH_OPEN_CASES ?? 200_000);
const schema = `bench_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create schema ${schema}`);
await admin.query(`set search_path = ${schema}`);

try {
  const config = loadConfig({
    DATABASE_URL: url, LOG_LEVEL: 'silent', TOWNHALL_API_RATE_LIMIT: '1000000000', TOWNHALL_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const { keyring } = loadKeys(config.databaseUrl);
  const db = openDatabase(url, { schema });
  await migrateToLatest(db);
  await seedDemo(db, config, keyring);
  const { key } = await createApiKey(db, { name: 'bench plans' }, 'bench');

  const started = Date.now();
  await admin.query(`insert into cases (jurisdiction_id, kind, service_code, description, lat, long, attributes, media_urls, status, state, channel, token,
      requested_at, updated_at, department_id, assigned_user_id, priority, workflow_version_id, due_at)
    select s.jurisdiction_id, 'service_request', s.code, 'Open case ' || i, 37.70 + (i % 1000) / 10000.0, -122.50 + (i % 997) / 10000.0, '{}', '[]',
      'open', 'submitted', 'api', 'bulk-' || i || '-' || md5(random()::text), now() - (i % 365) * interval '1 day', now() - (i % 365) * interval '1 day',
      s.department_id, case when i % 10 = 0 then null else p.id end, 'normal',
      (select v.id from workflow_versions v join workflows w on w.id = v.workflow_id where w.code = 'standard' order by v.version desc limit 1),
      now() + (2 + i % 40) * interval '1 day'
    from generate_series(1, $1::int) as i
    join (select row_number() over (order by s.code) - 1 as idx, count(*) over () as n, s.jurisdiction_id, s.code, d.id as department_id
          from services s left join departments d on d.code = s.department_code where s.active = 1 and s.jurisdiction_id not like '%.training') s on s.idx = i % s.n
    left join (select row_number() over (order by id) - 1 as idx, count(*) over () as n, id from users where role in ('case_worker', 'supervisor')) p on p.idx = i % p.n`, [openCases]);
  await admin.query(`insert into case_actions (case_id, action, actor, status, state, details, public, created_at)
    select id, 'submitted', 'bench', 'open', 'submitted', '{"channel":"api"}', 1, requested_at from cases where token like 'bulk-%'`);
  await admin.query(`insert into case_clocks (case_id, kind, target_minutes, started_at, due_at, warn_percent, warn_due_at, status)
    select id, 'resolution', 4800, requested_at, due_at, 80, due_at - interval '1 day', 'running' from cases where token like 'bulk-%'`);
  await admin.query('analyze');
  console.error(`${openCases.toLocaleString('en')} open cases added in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  // Every statement the app sends, with its first values.
  const recorded = new Map<string, unknown[]>();
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function recordingQuery(this: pg.Client, ...args: unknown[]) {
    const [text, values] = args as [unknown, unknown];
    if (typeof text === 'string' && !recorded.has(text)) recorded.set(text, Array.isArray(values) ? values : []);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  const app = await buildApp({ config, db, keyring, logger: false });
  try {
    const payload = new URLSearchParams([['api_key', key], ['service_code', 'pothole'], ['lat', '37.7749'], ['long', '-122.4194'],
      ['description', 'A deep pothole.'], ['email', 'resident@example.org'], ['attribute[size]', 'large']]).toString();
    for (let i = 0; i < 2; i++) {
      const posted = await app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
      if (posted.statusCode !== 201) throw new Error(`POST answered ${posted.statusCode}: ${posted.body}`);
    }
    const got = await app.inject({ method: 'GET', url: '/open311/v2/requests/1.json' });
    if (got.statusCode !== 200) throw new Error(`GET answered ${got.statusCode}: ${got.body}`);
  } finally {
    pg.Client.prototype.query = query as typeof pg.Client.prototype.query;
    await app.close();
    await db.destroy();
  }

  console.log(`Query plans of one POST and one GET with ${openCases.toLocaleString('en')} open cases (PostgreSQL EXPLAIN):`);
  let scans = 0;
  for (const [text, values] of recorded) {
    if (!/^\s*(select|update|delete|insert|with)\b/i.test(text) || /pg_advisory|pg_notify|current_schema|information_schema|pg_catalog/.test(text)) continue;
    const plan = (await admin.query(`explain ${text}`, values)).rows.map((row: Record<string, string>) => row['QUERY PLAN']!);
    console.log(`  ${text.length > 150 ? `${text.slice(0, 147)}...` : text}`);
    for (const line of plan) {
      const scan = /Seq Scan on (cases|case_clocks|case_actions|users|audit_log|outbox|events|case_reporters)\b/.test(line);
      if (scan) scans++;
      console.log(`      ${line}${scan ? '   <-- reads the whole table' : ''}`);
    }
  }
  console.log(scans === 0 ? '  No statement reads a whole table that grows with the city.' : `  ${scans} plan step(s) read a whole table that grows with the city.`);
} finally {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}
