/**
 * Staff analytics, Hotspots and Forecast, over the demo history on both databases: the figures
 * the pages and CSVs give against counts made here from the raw demo cases, repeat locations for
 * a seeded cluster and not for spread reports, training cases left out, department scope, bad
 * filters answered with a 400 naming them, and the reads on an index range.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import { latLngToCell } from 'h3-js';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import { submitCase } from '../src/cases/submit.js';
import { dialectOf, type DB } from '../src/db/connection.js';
import { demoServiceGroups, demoServices } from '../src/demo/catalogue-data.js';
import { demoCity } from '../src/demo/city.js';
import { loadDemoHistory, type HistoricRequest } from '../src/demo/history.js';
import { importDemoHistory } from '../src/demo/history-import.js';
import { demoHistoryFile } from '../src/demo/seed.js';
import { seedDemoDepartments } from '../src/demo/workspace.js';
import { hotspotQuery, weeklyCounts, weeklyQuery } from '../src/insights/foresight-store.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { parseCsv } from '../src/platform/csv.js';
import { trainingJurisdiction } from '../src/training/space.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { WebClient } from './web-client.js';

const DAY = 86_400_000;
const { timeZone } = demoCity;
const localDate = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
/** A UTC instant's calendar date in the demo city, as a person there reads it. */
const dateThere = (iso: string) => localDate.format(new Date(iso));
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const csvRows = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return rows.filter((r) => r.length > 1).map((r) => Object.fromEntries(header!.map((name, i) => [name, r[i]!])));
};

interface RawCase { serviceCode: string; lat: number; long: number; requestedAt: string }

for (const database of databasesUnderTest()) {
  describe(`hotspots and forecast on ${database.name}`, () => {
    let t: RunningTownhall;
    const now = new Date();
    const today = dateThere(now.toISOString());
    const from = shift(today, -89);
    const previousFrom = shift(from, -90);
    let history: HistoricRequest[];
    const seeded: Array<RawCase & { id: number }> = [];
    const cluster: number[] = [];
    const spread: number[] = [];
    const mixed: number[] = [];
    const people: Record<string, WebClient> = {};

    async function as(name: string, role: Role, department: string | null): Promise<WebClient> {
      const user = await createUser(t.db, t.keyring, { email: `${name}@council.example`, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      return (people[name] = browser);
    }

    /** A report at a place and time of our choosing, made the way the demo history is. */
    async function place(db: DB, jurisdictionId: string, serviceCode: string, lat: number, long: number, daysAgo: number): Promise<number> {
      const template = history.find((h) => h.serviceCode === serviceCode)!;
      const requestedAt = new Date(now.getTime() - daysAgo * DAY).toISOString();
      const made = await submitCase(db, { jurisdiction: { ...t.config.jurisdiction, id: jurisdictionId }, keyring: t.keyring }, 'web', {
        serviceCode, description: 'Seeded for the hotspots test', lat, long, addressString: '1 Pier Walk', attributes: template.attributes, mediaUrls: [], contact: {},
      }, { actor: { id: 'test' }, history: { requestedAt, closedAt: null, statusNotes: null, agencyResponsible: null } });
      return Number(made.id);
    }

    before(async () => {
      t = await startTownhall(database, {
        services: demoServices, groups: demoServiceGroups,
        env: {
          TOWNHALL_TIME_ZONE: timeZone,
          TOWNHALL_BOUNDS: `${demoCity.bounds.minLat},${demoCity.bounds.minLong},${demoCity.bounds.maxLat},${demoCity.bounds.maxLong}`,
        },
      });
      await seedDemoDepartments(t.db, t.config, now);
      history = loadDemoHistory(demoHistoryFile, now, { limit: 1200 });
      await importDemoHistory(t.db, { jurisdiction: t.config.jurisdiction, keyring: t.keyring }, history, { id: 'seed' });
      // Out in the bay, where no demo case lies: a cluster of four within 12 m, four reports 200 m apart, three services at one spot.
      const [lat, long] = [37.836, -122.36];
      const metre = 1 / 111_320;
      for (const [dy, dx, daysAgo] of [[0, 0, 3], [8, 0, 10], [0, 9, 20], [-6, -6, 40]] as const) {
        cluster.push(await place(t.db, t.config.jurisdiction.id, 'pothole', lat + dy * metre, long + dx * metre / Math.cos((lat * Math.PI) / 180), daysAgo));
      }
      for (let i = 0; i < 4; i++) spread.push(await place(t.db, t.config.jurisdiction.id, 'pothole', lat - 0.004, long + i * 200 * metre / 0.79, 5 + i));
      for (const service of ['graffiti-public', 'litter-bin', 'damaged-sign']) mixed.push(await place(t.db, t.config.jurisdiction.id, service, lat + 0.003, long, 6));
      for (const id of [...cluster, ...spread, ...mixed]) {
        const row = await t.db.selectFrom('cases').select(['service_code', 'lat', 'long', 'requested_at']).where('id', '=', id).executeTakeFirstOrThrow();
        seeded.push({ id, serviceCode: row.service_code, lat: Number(row.lat), long: Number(row.long), requestedAt: row.requested_at });
      }
      // Practice cases on the same spot, in the training space: never counted.
      const training = trainingJurisdiction(t.config.jurisdiction.id);
      const pothole = demoServices.find((s) => s.code === 'pothole')!;
      await saveServiceGroup(t.db, training, demoServiceGroups.find((g) => g.code === pothole.groupCode)!, 0, 'test');
      await createService(t.db, training, pothole, 'test');
      for (let i = 0; i < 3; i++) await place(t.db, training, 'pothole', lat, long, 2);
      await as('analyst', 'analyst', null);
      await as('roads', 'department_admin', 'public-works');
      await as('worker', 'case_worker', 'public-works');
    });
    after(() => t?.close());

    /** Per cell: reports in the period and the one before, counted here from the raw cases. */
    function expectedCells(cases: RawCase[], resolution: number) {
      const cells = new Map<string, { reports: number; previous: number }>();
      for (const c of cases) {
        const day = dateThere(c.requestedAt);
        const key = day >= from && day <= today ? 'reports' : day >= previousFrom && day < from ? 'previous' : null;
        if (!key) continue;
        const cell = latLngToCell(c.lat, c.long, resolution);
        const entry = cells.get(cell) ?? { reports: 0, previous: 0 };
        entry[key] += 1;
        cells.set(cell, entry);
      }
      return cells;
    }

    const allRaw = (): RawCase[] => [...history, ...seeded];

    test('hotspot counts per hexagon equal a count made from the raw demo cases, this period and the one before', async () => {
      for (const grid of [8, 9]) {
        const response = await people.analyst!.get(`/staff/insights/hotspots.csv?from=${from}&to=${today}&grid=${grid}`);
        assert.equal(response.status, 200, response.html);
        assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
        const rows = csvRows(response.html);
        const expected = expectedCells(allRaw(), grid);
        assert.ok(expected.size > 20, `enough cells to compare (${expected.size})`);
        assert.deepEqual(
          new Map(rows.map((r) => [r.h3_cell!, { reports: Number(r.reports), previous: Number(r.previous_period_reports) }])),
          expected,
        );
        for (const row of rows) assert.equal(Number(row.change), Number(row.reports) - Number(row.previous_period_reports));
      }
      const page = await people.analyst!.get(`/staff/insights/hotspots?from=${from}&to=${today}`);
      assert.equal(page.status, 200, page.html);
      const inPeriod = allRaw().filter((c) => dateThere(c.requestedAt) >= from).length;
      assert.ok(page.html.includes(`${inPeriod.toLocaleString('en-GB')} reports from`), `the summary counts ${inPeriod}`);
      assert.match(page.html, /<svg[^>]*role="img"/);
      assert.match(page.html, /<polygon /);
    });

    test('by service and by department, the counts are those of the raw cases of that service or department', async () => {
      const graffiti = csvRows((await people.analyst!.get(`/staff/insights/hotspots.csv?service=graffiti-public&from=${from}&to=${today}`)).html);
      assert.deepEqual(
        new Map(graffiti.map((r) => [r.h3_cell!, { reports: Number(r.reports), previous: Number(r.previous_period_reports) }])),
        expectedCells(allRaw().filter((c) => c.serviceCode === 'graffiti-public'), 8),
      );
      // The demo's past cases were never routed: a department's are those of the services it owns.
      const works = new Set(demoServices.filter((s) => s.department === 'public-works').map((s) => s.code));
      assert.ok(works.size > 0);
      const expected = expectedCells(allRaw().filter((c) => works.has(c.serviceCode)), 8);
      for (const [who, path] of [['analyst', `/staff/insights/hotspots.csv?department=public-works&from=${from}&to=${today}`], ['roads', `/staff/insights/hotspots.csv?from=${from}&to=${today}`]] as const) {
        const rows = csvRows((await people[who]!.get(path)).html);
        assert.deepEqual(new Map(rows.map((r) => [r.h3_cell!, { reports: Number(r.reports), previous: Number(r.previous_period_reports) }])), expected, who);
      }
    });

    test('a spot reported again and again is a repeat location; spread reports and other services at one spot are not', async () => {
      const page = await people.analyst!.get(`/staff/insights/hotspots?from=${from}&to=${today}`);
      const repeats = page.html.slice(page.html.indexOf('id="repeats"'));
      const row = repeats.split('<tr').find((r) => r.includes(`/staff/requests/${cluster[0]}"`));
      assert.ok(row, 'the cluster is listed');
      for (const id of cluster) assert.ok(row.includes(`href="/staff/requests/${id}"`), `case ${id} is in the cluster's row`);
      assert.match(row, />4</);
      for (const id of [...spread, ...mixed]) assert.ok(!repeats.includes(`/staff/requests/${id}"`), `case ${id} is no repeat`);
      // Nothing personal on the page: no reporter, no description.
      assert.ok(!page.html.includes('Seeded for the hotspots test'));
    });

    test('the repeat locations CSV lists the spots of the page with their cases, with the same filters and department scope', async () => {
      const page = await people.analyst!.get(`/staff/insights/hotspots?from=${from}&to=${today}`);
      assert.ok(page.html.includes(`href="/staff/insights/repeat-locations.csv?from=${from}&amp;to=${today}`), 'the page links to it');
      const response = await people.analyst!.get(`/staff/insights/repeat-locations.csv?from=${from}&to=${today}`);
      assert.equal(response.status, 200, response.html);
      assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
      const rows = csvRows(response.html);
      const repeats = page.html.slice(page.html.indexOf('id="repeats"'));
      const linkedOnPage = [...repeats.matchAll(/href="\/staff\/requests\/(\d+)"/g)].map((m) => Number(m[1]));
      assert.deepEqual(rows.flatMap((r) => r.case_ids!.split(' ').map(Number)), linkedOnPage, 'the same spots and cases, in the same order');
      const spot = rows.find((r) => r.case_ids!.split(' ').map(Number).includes(cluster[0]!));
      assert.ok(spot, 'the cluster is listed');
      assert.deepEqual(spot.case_ids!.split(' ').map(Number).sort((a, b) => a - b), [...cluster].sort((a, b) => a - b));
      assert.equal(spot.reports, '4');
      assert.equal(spot.service_code, 'pothole');
      for (const id of [...spread, ...mixed]) assert.ok(!rows.some((r) => r.case_ids!.split(' ').includes(String(id))), `case ${id} is no repeat`);
      assert.ok(!response.html.includes('Seeded for the hotspots test'), 'no description');

      const parks = csvRows((await people.analyst!.get(`/staff/insights/repeat-locations.csv?department=parks&from=${from}&to=${today}`)).html);
      assert.ok(!parks.some((r) => r.service_code === 'pothole'), 'a department sees its own services\' spots only');
      const bad = await people.analyst!.get('/staff/insights/repeat-locations.csv?grid=abc');
      assert.equal(bad.status, 400);
      assert.match(bad.html, /^grid: /);
      assert.equal((await people.worker!.get('/staff/insights/repeat-locations.csv')).status, 403);
    });

    test('practice cases in the training space are never counted', async () => {
      const rows = csvRows((await people.analyst!.get(`/staff/insights/hotspots.csv?from=${from}&to=${today}&grid=10`)).html);
      const clusterCell = latLngToCell(37.836, -122.36, 10);
      assert.equal(rows.find((r) => r.h3_cell === clusterCell)?.reports, String(expectedCells(allRaw(), 10).get(clusterCell)!.reports));
      const counted = await t.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', 'like', '%.training').executeTakeFirstOrThrow();
      assert.equal(Number(counted.n), 3, 'the training cases are there, only not counted');
    });

    test('weekly counts for the forecast equal the raw cases of each week', async () => {
      const fromIso = new Date(now.getTime() - 400 * DAY).toISOString();
      const toIso = new Date(now.getTime() - 7 * DAY).toISOString();
      const counts = await weeklyCounts(t.db, { jurisdictionId: t.config.jurisdiction.id, from: fromIso, to: toIso });
      const expected = new Map<string, number>();
      for (const c of allRaw()) {
        if (c.requestedAt < fromIso || c.requestedAt >= toIso) continue;
        const key = `${c.serviceCode}|${Math.floor((Date.parse(c.requestedAt) - Date.parse(fromIso)) / (7 * DAY))}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      assert.deepEqual(new Map(counts.map((r) => [`${r.serviceCode}|${r.week}`, r.count])), expected);
    });

    test('the forecast page and CSV: a year of history falls back to a damped trend against naive, and says so', async () => {
      const page = await people.analyst!.get('/staff/insights/forecast');
      assert.equal(page.status, 200, page.html);
      assert.ok(page.html.includes('fewer than two years of weeks'), 'the fallback is explained');
      assert.ok(page.html.includes('Townhall does not record how long staff spend on a case'));
      assert.match(page.html, /Potholes?|pothole/i);
      const csv = await people.analyst!.get('/staff/insights/forecast.csv?minutes=30');
      assert.equal(csv.status, 200);
      const rows = csvRows(csv.html);
      const forecasts = rows.filter((r) => r.forecast_by !== 'too_short');
      assert.ok(forecasts.length >= 8 * 5, `several services forecast (${forecasts.length} rows)`);
      for (const row of forecasts) {
        assert.ok(['holt_damped', 'naive'].includes(row.forecast_by!), row.forecast_by);
        assert.equal(row.model, 'holt_damped');
        assert.equal(row.baseline, 'naive');
        assert.ok(Number(row.expected_cases) >= 0);
        assert.equal(row.minutes_per_step, '30');
        if (row.staff_hours_hint) assert.ok(Math.abs(Number(row.staff_hours_hint) - (Number(row.expected_cases) * Number(row.median_steps) * 30) / 60) < 0.02);
      }
      // The better of the two on the backtest makes the forecast.
      // (The CSV gives errors to 3 places: two that round alike may still differ.)
      for (const row of forecasts.filter((r) => r.model_mae !== r.baseline_mae)) {
        assert.equal(row.forecast_by, Number(row.model_mae) < Number(row.baseline_mae) ? 'holt_damped' : 'naive');
      }
      const spanish = await people.analyst!.get('/staff/insights/forecast?lang=es');
      assert.ok(spanish.html.includes('Previsión'));
      await people.analyst!.get('/staff/insights/forecast?lang=en');
    });

    test('bad filters get a 400 page naming the parameter, never a 500', async () => {
      const cases: Array<[string, RegExp]> = [
        ['?from=2026-02-30', /“from”/],
        ['?colour=red', /“colour”/],
        ['?service=no-such-service', /no-such-service/],
        ['?department=nowhere', /nowhere/],
        ['?grid=99', /hexagon size/],
        [`?from=${today}&to=${from}`, /“to”/],
        [`?from=2020-01-01&to=${today}`, /366 days/],
        ['?from=x&from=y', /once only/],
      ];
      for (const [query, words] of cases) {
        const response = await people.analyst!.get(`/staff/insights/hotspots${query}`);
        assert.equal(response.status, 400, query);
        assert.match(response.html, words, query);
        assert.match(response.html, /class="error-summary"/);
      }
      const csv = await people.analyst!.get('/staff/insights/hotspots.csv?grid=abc');
      assert.equal(csv.status, 400);
      assert.match(csv.html, /^grid: /);
      for (const query of ['?minutes=0', '?minutes=1.5', '?minutes=abc', '?weeks=3']) {
        const response = await people.analyst!.get(`/staff/insights/forecast${query}`);
        assert.equal(response.status, 400, query);
      }
      const arabic = await people.analyst!.get('/staff/insights/forecast?minutes=0&lang=ar');
      assert.equal(arabic.status, 400);
      assert.match(arabic.html, /dir="rtl"/);
      await people.analyst!.get('/staff/insights/forecast?lang=en');
    });

    test('a department administrator sees their own department only; a case worker not at all', async () => {
      const own = await people.roads!.get('/staff/insights/hotspots');
      assert.equal(own.status, 200);
      assert.ok(!own.html.includes('id="department"'), 'no choice of department');
      const other = await people.roads!.get('/staff/insights/forecast?department=parks');
      assert.equal(other.status, 400);
      assert.match(other.html, /your own department only/);
      const worker = await people.worker!.get('/staff/insights/hotspots');
      assert.equal(worker.status, 403);
    });

    test('the hotspots read one range of the requested_at index; the weekly counts too', async (context) => {
      const filter = { jurisdictionId: t.config.jurisdiction.id, from: `${from}T00:00:00.000Z`, to: `${today}T00:00:00.000Z` };
      const plans: string[] = [];
      for (const query of [hotspotQuery(t.db, filter), hotspotQuery(t.db, { ...filter, department: { id: 1, serviceCodes: ['pothole', 'damaged-sign'] } }), weeklyQuery(t.db, filter)]) {
        const compiled = query.compile();
        if (dialectOf(t.db) === 'sqlite') {
          const result = await t.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]));
          plans.push(result.rows.map((r) => r.detail).join(' | '));
        } else {
          // A table this small is read whole whatever the indexes; without that choice, the plan shows which index serves.
          plans.push(await t.db.transaction().execute(async (trx) => {
            await sql`set local enable_seqscan = off`.execute(trx);
            const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]));
            return result.rows.map((r) => r['QUERY PLAN']).join(' | ');
          }));
        }
      }
      for (const plan of plans) {
        context.diagnostic(plan);
        assert.match(plan, /cases_requested_at/, plan);
      }
    });
  });
}
