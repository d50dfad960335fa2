/**
 * The two servers bench/intake.ts compares, each started in its own process so the load
 * generator does not share its event loop:
 *   townhall  the real app on the demo city (validation, api key, routing and assignment, SLA
 *             clock, audit entry, acknowledgement email, one transaction per request); on the
 *             SQLite file BENCH_DATABASE when given (kept between starts), else a fresh one
 *   bare      Fastify and the same SQLite library doing one insert / one select per request
 * Prints "READY <port> <api key>" when listening. With BENCH_PROFILE=<file>, the server's CPU is
 * profiled from then until SIGTERM (the start-up, migrations and demo seeding left out) and the
 * profile written to that file: read it with bench/cpuprofile-top.ts. With BENCH_LOOP_DELAY=1, the
 * event loop's delay (how long a timer waited beyond its time: a stall blocks every request) is
 * sampled from then, and its percentiles printed to stderr on SIGTERM.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import formbody from '@fastify/formbody';
import SQLite from 'better-sqlite3';
import { buildApp } from '../src/app.js';
import { createApiKey } from '../src/apikeys/apikeys.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connection.js';
import { checkpointInBackground } from '../src/db/checkpointer.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadKeys } from '../src/platform/keys.js';
import { seedDemoIfEmpty } from '../src/demo/seed.js';

const mode = process.argv[2];
const profileFile = process.env.BENCH_PROFILE;
const profiler = profileFile ? new Session() : null;
const loopDelay = process.env.BENCH_LOOP_DELAY === '1' ? monitorEventLoopDelay({ resolution: 10 }) : null;
let cpuAtReady: NodeJS.CpuUsage | undefined;
/** With BENCH_LOOP_DELAY: each request's time in the server, from its first byte read to its answer sent (ms). */
const inServer = loopDelay ? createHistogram() : null;
// A clean exit on SIGTERM, so a server started with --cpu-prof writes its profile; its scratch folder goes too.
process.on('SIGTERM', () => {
  if (loopDelay) {
    loopDelay.disable();
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    console.error(`event loop delay (ms): p50 ${ms(loopDelay.percentile(50))}  p90 ${ms(loopDelay.percentile(90))}  p99 ${ms(loopDelay.percentile(99))}  max ${ms(loopDelay.max)}  (over ${loopDelay.count} samples)`);
    if (inServer && inServer.count > 0) console.error(`time in the server (ms): p50 ${inServer.percentile(50)}  p90 ${inServer.percentile(90)}  p99 ${inServer.percentile(99)}  max ${inServer.max}`);
    const used = process.cpuUsage(cpuAtReady);
    console.error(`SERVER CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`);
  }
  if (!profiler || !profileFile) process.exit(0);
  void profiler.post('Profiler.stop').then(({ profile }) => {
    writeFileSync(profileFile, JSON.stringify(profile));
    process.exit(0);
  });
});
/** Says the server is ready, and starts profiling (when asked) from then. */
async function ready(port: number, key: string): Promise<void> {
  loopDelay?.enable();
  cpuAtReady = process.cpuUsage();
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  console.log(`READY ${port} ${key}`);
}
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const dir = mkdtempSync(join(tmpdir(), 'townhall-bench-'));

if (mode === 'townhall') {
  // The write limit stays on (its cost is part of the figure) but high enough never to refuse.
  const file = process.env.BENCH_DATABASE ?? join(dir, 'townhall.db');
  const config = loadConfig({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent', TOWNHALL_API_RATE_LIMIT: '1000000000' });
  const db = openDatabase(config.databaseUrl);
  const { keyring } = loadKeys(config.databaseUrl);
  await migrateToLatest(db);
  await seedDemoIfEmpty(db, config, keyring);
  const { key } = await createApiKey(db, { name: 'bench' }, 'bench');
  const app = await buildApp({ config, db, keyring, logger: false });
  // As `townhall serve` does (BENCH_WRITER_CHECKPOINTS=1: as before, in the writing connection).
  if (process.env.BENCH_WRITER_CHECKPOINTS !== '1') checkpointInBackground(db);
  if (inServer) {
    app.addHook('onResponse', (request, reply, done) => {
      inServer.record(Math.max(1, Math.round(reply.elapsedTime)));
      done();
    });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  await ready((app.server.address() as AddressInfo).port, key);
} else if (mode === 'bare') {
  const sqlite = new SQLite(join(dir, 'bare.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('create table requests (id integer primary key autoincrement, service_code text, description text, lat real, long real, attributes text, requested_at text)');
  const insert = sqlite.prepare('insert into requests (service_code, description, lat, long, attributes, requested_at) values (?, ?, ?, ?, ?, ?) returning id');
  const select = sqlite.prepare('select * from requests where id = ?');
  const app = Fastify({ logger: false });
  await app.register(formbody);
  app.post('/open311/v2/requests.json', async (request, reply) => {
    const body = request.body as Record<string, string>;
    const row = insert.get(body.service_code, body.description, Number(body.lat), Number(body.long), JSON.stringify(body), new Date().toISOString()) as { id: number };
    return reply.code(201).send([{ service_request_id: String(row.id) }]);
  });
  app.get('/open311/v2/requests/:id.json', async (request, reply) => {
    const row = select.get(Number((request.params as { id: string }).id));
    return row ? [row] : reply.code(404).send([{ code: 404, description: 'not found' }]);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  await ready((app.server.address() as AddressInfo).port, 'bare');
} else {
  console.error('usage: intake-servers.ts townhall|bare');
  process.exit(2);
}
