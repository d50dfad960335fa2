/**
 * Emergency alerts at scale (issue 15). Seeds 250,000 confirmed subscribers spread over the demo
 * city (addresses, and one in twenty a neighbourhood-sized area; email and SMS; en/es/ar), then
 * approves an alert over part of the city and times approval -> every message enqueued (the
 * fan-out recorded in the approval's transaction, then run to its end in chunks, as the job
 * does). Target: <= 30 s. Prints the matching rate (subscribers tested per second, prefilter and
 * exact test included) beside a bare point-in-polygon loop over the same points in the same run,
 * and the plans of the fan-out's prefilter and of the outbox's claim (the priority lane).
 *
 * Run: npm run bench:alerts                                  (SQLite, in a temporary folder)
 *      BENCH_POSTGRES_URL=postgres://... npm run bench:alerts (PostgreSQL, a schema of its own, dropped after)
 *      BENCH_SUBSCRIBERS=50000 to change the size.
 * Then surge detection's precision and recall on the demo history with injected surges
 * (bench/surge.ts; SQLite; BENCH_HISTORY_COPIES, BENCH_SURGES).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { runAlertFanOuts, startAlertFanOut } from '../src/alerts/fan-out.js';
import { sealContact } from '../src/alerts/subscriptions.js';
import type { Alert } from '../src/alerts/types.js';
import { dialectOf, openDatabase, type DB } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { demoCity } from '../src/demo/city.js';
import { areaMatcher, pointInRing, type LatLong, type Ring } from '../src/places/geometry.js';
import { makeKeyring, newKey } from '../src/platform/crypto.js';
import { dueQuery } from '../src/platform/outbox.js';
import { randomStream } from './forecast.js';
import { demoDatabase, measureSurgeDetection, printSurgeFigures, thickenHistory } from './surge.js';

const TOTAL = Number(process.env.BENCH_SUBSCRIBERS ?? 250_000);
const postgresUrl = process.env.BENCH_POSTGRES_URL;
const jurisdictionId = demoCity.id;
const keyring = makeKeyring(newKey());

/** A seeded random, so every run places the same subscribers. */
export const seededRandom = randomStream;

/** Opens the bench database: a temporary SQLite file, or a schema of its own on PostgreSQL. */
export async function openBenchDatabase(): Promise<{ db: DB; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'townhall-alerts-'));
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  let db: DB;
  if (postgresUrl) {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    db = openDatabase(postgresUrl, { schema, poolSize: 5 });
  } else db = openDatabase(`sqlite:${join(dir, 'townhall.db')}`);
  await migrateToLatest(db);
  return {
    db,
    async close() {
      await db.destroy();
      if (postgresUrl) {
        const admin = new pg.Client({ connectionString: postgresUrl });
        await admin.connect();
        await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Seeds `total` confirmed subscribers over the demo city in large multi-row inserts; returns their points. */
export async function seedSubscribers(db: DB, total: number, random = seededRandom(15)): Promise<LatLong[]> {
  const b = demoCity.bounds;
  const now = new Date().toISOString();
  const points: LatLong[] = [];
  // Sealing each contact costs as much as a resident's own request would; one sealed contact per
  // thousand is reused, which changes nothing for the fan-out (it never opens them).
  const sealed = new Map<string, ReturnType<typeof sealContact>>();
  const languages = ['en', 'en', 'en', 'es', 'ar'];
  const rows = [];
  for (let i = 0; i < total; i++) {
    const lat = b.minLat + random() * (b.maxLat - b.minLat);
    const long = b.minLong + random() * (b.maxLong - b.minLong);
    points.push({ lat, long });
    const area = i % 20 === 0;
    const half = 0.004;
    const channel = i % 10 < 7 ? 'email' as const : 'sms' as const;
    const key = `${channel}:${i % 1000}`;
    if (!sealed.has(key)) sealed.set(key, sealContact(keyring, channel, channel === 'email' ? `s${i}@example.org` : `+1415555${String(i % 10000).padStart(4, '0')}`));
    rows.push({
      jurisdiction_id: jurisdictionId, user_id: null, place_id: null, place_kind: area ? 'area' as const : 'address' as const, place_name: area ? `Area ${i}` : `${i} Bench Street`,
      lat, long, min_lat: area ? lat - half : lat, min_long: area ? long - half : long, max_lat: area ? lat + half : lat, max_long: area ? long + half : long,
      channel, ...sealed.get(key)!, language: languages[i % languages.length]!, token_hash: null, requested_at: now, confirmed_at: now, unsubscribed_at: null, created_at: now,
    });
    if (rows.length === 1000 || i === total - 1) {
      await db.insertInto('alert_subscriptions').values(rows).execute();
      rows.length = 0;
    }
  }
  if (dialectOf(db) === 'postgres') await sql`analyze alert_subscriptions`.execute(db);
  else await sql`analyze`.execute(db);
  return points;
}

/** An irregular polygon over the city's south-east, about a third of its area. */
const affected: Ring = [
  { lat: 37.70, long: -122.46 }, { lat: 37.70, long: -122.36 }, { lat: 37.76, long: -122.36 }, { lat: 37.79, long: -122.40 },
  { lat: 37.77, long: -122.44 }, { lat: 37.74, long: -122.47 }, { lat: 37.70, long: -122.46 },
];

const benchAlert: Alert = {
  id: 1, identifier: 'urn:bench:1', sender: 'bench', msgType: 'Alert', status: 'Actual', scope: 'Public', referencesId: null, areaDescription: 'South-east',
  area: { polygons: [affected], circles: [] }, onset: null, expires: '2099-01-01T00:00:00.000Z', sent: new Date().toISOString(), stage: 'approved', draftedBy: 1, approvedBy: 2,
  infos: [{ language: 'en', categories: ['Health'], event: 'Boil water', urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', headline: 'Boil water before drinking', description: 'A water main burst.', instruction: 'Boil tap water for one minute.', web: null, contact: null }],
  createdAt: new Date().toISOString(),
};

async function planOf(db: DB, compiled: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  const postgres = dialectOf(db) === 'postgres';
  const plan = await db.executeQuery<Record<string, string>>({ ...compiled, sql: `${postgres ? 'explain' : 'explain query plan'} ${compiled.sql}` } as never);
  return plan.rows.map((r) => r['QUERY PLAN'] ?? r.detail).join(' | ');
}

async function main() {
  const { db, close } = await openBenchDatabase();
  try {
    const name = postgresUrl ? 'PostgreSQL' : 'SQLite';
    let started = Date.now();
    const points = await seedSubscribers(db, TOTAL);
    console.log(`${name}: ${TOTAL.toLocaleString('en')} confirmed subscribers seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Approval -> every message enqueued.
    started = performance.now();
    await db.transaction().execute((trx) => startAlertFanOut(trx, benchAlert));
    const approved = performance.now();
    const progress = await runAlertFanOuts(db, jurisdictionId);
    const done = performance.now();
    const seconds = (done - started) / 1000;
    console.log(`approval recorded in ${(approved - started).toFixed(1)} ms; every message enqueued ${seconds.toFixed(2)} s after it (target <= 30 s): ${progress.queued.toLocaleString('en')} messages to ${progress.matched.toLocaleString('en')} subscribers, ${progress.chunks} chunks`);
    console.log(`prefilter: ${progress.scanned.toLocaleString('en')} subscriptions read in the alert's latitude band, ${progress.tested.toLocaleString('en')} of them in its box, of ${TOTAL.toLocaleString('en')}`);
    console.log(`matching rate: ${Math.round(progress.tested / (progress.matchMs / 1000)).toLocaleString('en')} subscribers tested a second by the exact test alone; ${Math.round(progress.scanned / seconds).toLocaleString('en')} a second end to end (reads, test, outbox writes)`);

    // The bare baselines over the same points, in the same run.
    let inside = 0;
    let t0 = performance.now();
    for (const p of points) if (pointInRing(p, affected)) inside++;
    const bare = (performance.now() - t0) / 1000;
    const matcher = areaMatcher(benchAlert.area);
    let viaMatcher = 0;
    t0 = performance.now();
    for (const p of points) if (matcher(p)) viaMatcher++;
    const boxed = (performance.now() - t0) / 1000;
    console.log(`bare point-in-polygon loop: ${Math.round(points.length / bare).toLocaleString('en')} points a second (${inside.toLocaleString('en')} inside); areaMatcher (box first): ${Math.round(points.length / boxed).toLocaleString('en')} a second (${viaMatcher.toLocaleString('en')} inside)`);
    console.log(`ratio to the bare loop: exact test ${((progress.tested / (progress.matchMs / 1000)) / (points.length / bare)).toFixed(2)}, end to end ${((progress.scanned / seconds) / (points.length / bare)).toFixed(4)}`);

    // The plans (with fresh statistics, as autovacuum would have by then): the fan-out's prefilter chunk, and the claim with 1 alert message per subscriber waiting.
    const prefilter = db.selectFrom('alert_subscriptions').select(['id', 'lat']).where('jurisdiction_id', '=', jurisdictionId)
      .where('lat', '<=', 37.80).where((eb) => eb.or([eb('lat', '>', 37.75), eb.and([eb('lat', '=', 37.75), eb('id', '>', 10)])])).orderBy('lat').orderBy('id').limit(5000).compile();
    console.log(`plan, prefilter chunk: ${await planOf(db, prefilter)}`);
    await sql`analyze`.execute(db);
    const claim = dueQuery(db, new Date().toISOString(), 10, ['email', 'sms', 'alert_email', 'alert_sms']);
    console.log(`plan, outbox claim: ${await planOf(db, claim)}`);

  } finally {
    await close();
  }
  // Surge detection (src/incidents/surge.ts): precision and recall on the demo history with injected surges (bench/surge.ts).
  const demo = await demoDatabase();
  const copies = Number(process.env.BENCH_HISTORY_COPIES ?? 20);
  await thickenHistory(demo.db, demo.jurisdictionId, copies, seededRandom(7));
  printSurgeFigures(await measureSurgeDetection(demo.db, demo.jurisdictionId, { surges: Number(process.env.BENCH_SURGES ?? 60) }));
  await demo.done();
}

// Run when called as the bench; importing it (for its seeding functions) runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
