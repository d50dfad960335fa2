/**
 * Surge detection's precision and recall on the demo history (issue 15). Seeds the demo city (a
 * year of San Francisco's reports moved to the year before now, its neighbourhoods as areas),
 * then runs the real job (`detectSurges`) at many instants over the last four weeks. Before half
 * of them it injects a surge: 6 to 20 reports of one service in one area within the hour (the
 * pair drawn from the history's own pairs, the points inside the area); the other half are left
 * as they were. After each run the injected reports and the flags are removed again.
 *
 * A flag on an injected pair is a true positive; a flag on any other pair a false positive (the
 * history's own bursts count against the detector, since nobody labelled them); an injected pair
 * not flagged a miss. Prints precision, recall by surge size, and the job's time per run.
 *
 * Run alone: node --import tsx bench/surge.ts   (BENCH_HISTORY_COPIES=20 BENCH_SURGES=60 are the defaults)
 * Also printed by `npm run bench:alerts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { openDatabase, type DB } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { loadDemoHistory } from '../src/demo/history.js';
import { demoHistoryFile, seedDemo } from '../src/demo/seed.js';
import { detectSurges, surgeRule } from '../src/incidents/surge.js';
import { areaOf } from '../src/insights/rollups.js';
import { areaBoxes } from '../src/insights/store.js';
import { randomStream } from './forecast.js';
import { makeKeyring, newKey } from '../src/platform/crypto.js';


export interface SurgeFigures { runs: number; injected: number; truePositives: number; falsePositives: number; precision: number; recall: number; recallBySize: Array<{ sizes: string; recall: number; n: number }>; msPerRun: number; casesPerDay: number }

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 86_400_000;

/**
 * The whole sample (not the 3,000 the demo seeds), `copies` times, each copy moved by whole weeks
 * within the year (so the hour of the week, the seasonality the detector reads, is kept) and by a few metres:
 * a city busier than the sample, with the sample's own pattern.
 */
export async function thickenHistory(db: DB, jurisdictionId: string, copies: number, random: () => number): Promise<number> {
  const history = loadDemoHistory(demoHistoryFile, new Date());
  let made = 0;
  for (let copy = 0; copy < copies; copy++) {
    const rows = history.map((h, i) => {
      // Whole weeks back within the year (wrapping round), so copies spread out but keep their hour of the week.
      let ms = Date.parse(h.requestedAt) - Math.floor(random() * 52) * WEEK_MS;
      if (ms < Date.now() - 364 * 86_400_000) ms += 52 * WEEK_MS;
      const at = new Date(Math.min(ms, Date.now() - HOUR_MS)).toISOString();
      return {
        jurisdiction_id: jurisdictionId, kind: 'service_request', service_code: h.serviceCode, description: h.description, lat: h.lat + (random() - 0.5) * 0.0005, long: h.long + (random() - 0.5) * 0.0005,
        address_string: null, address_id: null, zipcode: null, attributes: '{}', media_urls: '[]', status: 'closed', state: 'closed', status_notes: null, agency_responsible: null,
        channel: h.channel, token: `history-${copy}-${i}`, requested_at: at, updated_at: at, expected_at: null, closed_at: at, api_key_id: null,
      };
    });
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('cases').values(rows.slice(i, i + 500)).execute();
    made += rows.length;
  }
  return made;
}

/**
 * Runs the job once an hour over the last four weeks, with `surges` of those hours given an
 * injected surge first; the injected reports and every flag are removed after each run, so each
 * hour is judged on its own.
 */
export async function measureSurgeDetection(db: DB, jurisdictionId: string, options: { surges: number; seed?: number }): Promise<SurgeFigures> {
  const random = randomStream(options.seed ?? 15);
  const areas = (await areaBoxes(db, jurisdictionId)).filter((a) => a.maxLat - a.minLat > 0.002 && a.maxLong - a.minLong > 0.002);
  const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const hours = 28 * 24;
  const from = new Date(now - hours * HOUR_MS).toISOString();
  const recent = await db.selectFrom('cases').select(['service_code', 'lat', 'long']).where('jurisdiction_id', '=', jurisdictionId)
    .where('kind', '=', 'service_request').where('requested_at', '>=', from).where('lat', 'is not', null).execute();
  const pairs = recent.map((r) => ({ service: r.service_code, area: areaOf(areas, r.lat, r.long) })).filter((p) => p.area !== '');
  const surgeHours = new Set<number>();
  while (surgeHours.size < Math.min(options.surges, hours)) surgeHours.add(1 + Math.floor(random() * (hours - 1)));
  let truePositives = 0; let falsePositives = 0; let injected = 0; let ms = 0;
  const bySize = new Map<string, { hit: number; n: number }>();
  for (let hour = 1; hour <= hours; hour++) {
    const at = now - (hours - hour) * HOUR_MS;
    const inject = surgeHours.has(hour);
    const pair = pairs[Math.floor(random() * pairs.length)]!;
    const size = 5 + Math.floor(random() * 16);
    const ids: number[] = [];
    if (inject) {
      injected++;
      const box = areas.find((a) => a.name === pair.area)!;
      const rows = [];
      while (rows.length < size) {
        const lat = box.minLat + random() * (box.maxLat - box.minLat); const long = box.minLong + random() * (box.maxLong - box.minLong);
        if (areaOf(areas, lat, long) !== pair.area) continue;
        const when = new Date(at - Math.floor(random() * 58 * 60_000) - 60_000).toISOString();
        rows.push({ jurisdiction_id: jurisdictionId, kind: 'service_request', service_code: pair.service, description: 'Injected surge', lat, long, address_string: null, address_id: null, zipcode: null,
          attributes: '{}', media_urls: '[]', status: 'open', state: 'submitted', status_notes: null, agency_responsible: null, channel: 'web', token: `surge-${hour}-${rows.length}`,
          requested_at: when, updated_at: when, expected_at: null, closed_at: null, api_key_id: null });
      }
      for (const r of await db.insertInto('cases').values(rows).returning('id').execute()) ids.push(Number(r.id));
    }
    const started = performance.now();
    await detectSurges(db, jurisdictionId, new Date(at).toISOString());
    ms += performance.now() - started;
    const flags = await db.selectFrom('surge_flags').select(['service_code', 'area_name']).execute();
    const isInjected = (f: { service_code: string; area_name: string }) => inject && f.service_code === pair.service && f.area_name === pair.area;
    const hit = flags.some(isInjected);
    if (hit) truePositives++;
    falsePositives += flags.filter((f) => !isInjected(f)).length;
    if (inject) {
      const bucket = size < 10 ? '5–9' : size < 15 ? '10–14' : '15–20';
      const b = bySize.get(bucket) ?? { hit: 0, n: 0 };
      b.n++; if (hit) b.hit++;
      bySize.set(bucket, b);
    }
    await db.deleteFrom('surge_flags').execute();
    if (ids.length > 0) await db.deleteFrom('cases').where('id', 'in', ids).execute();
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  return {
    runs: hours, injected, truePositives, falsePositives, precision: ratio(truePositives, truePositives + falsePositives), recall: ratio(truePositives, injected),
    recallBySize: ['5–9', '10–14', '15–20'].map((sizes) => ({ sizes, recall: ratio(bySize.get(sizes)?.hit ?? 0, bySize.get(sizes)?.n ?? 0), n: bySize.get(sizes)?.n ?? 0 })),
    msPerRun: ms / hours, casesPerDay: recent.length / 28,
  };
}

export function printSurgeFigures(f: SurgeFigures): void {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  console.log(`surge detection (rule: at least ${surgeRule.minReports} reports in an hour, Poisson tail < ${surgeRule.pValue} against the same hour of the past ${surgeRule.weeks} weeks):`);
  console.log(`  the job run once an hour for four weeks (${f.runs} runs) over ${Math.round(f.casesPerDay).toLocaleString('en-GB')} reports a day; ${f.injected} of those hours with an injected surge of 5 to 20 reports of one service in one area`);
  console.log(`  precision ${pct(f.precision)} (${f.truePositives} true, ${f.falsePositives} false flags), recall ${pct(f.recall)}`);
  console.log(`  recall by surge size: ${f.recallBySize.map((b) => `${b.sizes} reports ${pct(b.recall)} (n=${b.n})`).join(', ')}`);
  console.log(`  the job: ${f.msPerRun.toFixed(1)} ms a run`);
}

/** A demo database in a temporary folder, for running this bench alone. */
export async function demoDatabase(): Promise<{ db: DB; jurisdictionId: string; done: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'townhall-surge-'));
  const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'townhall.db')}`, LOG_LEVEL: 'silent', PORT: '0' });
  const db = openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  await seedDemo(db, config, makeKeyring(newKey()));
  await sql`select 1`.execute(db);
  return { db, jurisdictionId: config.jurisdiction.id, done: async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }); } };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  const demo = await demoDatabase();
  console.log(`seeded the demo city in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const copies = Number(process.env.BENCH_HISTORY_COPIES ?? 20);
  const thickened = performance.now();
  const made = await thickenHistory(demo.db, demo.jurisdictionId, copies, randomStream(7));
  console.log(`added ${made.toLocaleString('en-GB')} past reports (the sample ${copies} times) in ${((performance.now() - thickened) / 1000).toFixed(1)} s`);
  printSurgeFigures(await measureSurgeDetection(demo.db, demo.jurisdictionId, { surges: Number(process.env.BENCH_SURGES ?? 60) }));
  await demo.done();
}
