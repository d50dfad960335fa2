/**
 * Staff analytics (issue 14): the dashboard's figures, read from the rollups, equal figures
 * worked out here independently from the raw cases of the demo history; the refresh job picks
 * up a case closed after its last run; who sees which department's figures; bad filters are
 * named in a 400, never a 500.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStatusUpdate } from '../src/cases/outside-updates.js';
import { seedDemo } from '../src/demo/seed.js';
import { demoCity } from '../src/demo/city.js';
import { RebuildRunningError, REBUILD_STALE_MS, rebuildRollups, refreshRollups } from '../src/insights/rollups.js';
import { parseCsv } from '../src/platform/csv.js';
import { ensureTrainingSpace, createTrainingCases } from '../src/training/seed.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall, type SignedIn } from './harness.js';

const seededOn = new Date('2026-12-07T18:00:00Z');
const timeZone = demoCity.timeZone;
const localDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
/** The council-local day of an instant, worked out apart from the code under test. */
const localDay = (iso: string) => localDayFormat.format(new Date(iso));

interface RawCase {
  id: number; requested_at: string; closed_at: string | null; status: string; expected_at: string | null; department_id: number | null; service_code: string;
  channel: string; lat: number | null; long: number | null;
}

/** Nearest-rank percentile of durations (ms), in tenths of a day rounded down, as the page shows it. */
function percentileDays(durations: number[], p: number): number | null {
  if (durations.length === 0) return null;
  const sorted = [...durations].sort((a, b) => a - b);
  const value = sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
  return Math.floor(value / (144 * 60_000)) / 10;
}

/** Weeks (from Monday) from..to as [first day, last day] pairs, cut to from..to. */
function weeks(from: string, to: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  let start = Date.parse(`${from}T00:00:00Z`);
  while (day(start) <= to) {
    const monday = start - ((new Date(start).getUTCDay() + 6) % 7) * 86_400_000;
    const sunday = day(monday + 6 * 86_400_000);
    out.push([day(start), sunday > to ? to : sunday]);
    start = monday + 7 * 86_400_000;
  }
  return out;
}

/** Months from..to as [first day, last day] pairs. */
function months(from: string, to: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let [year, month] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  for (;;) {
    const first = `${year}-${String(month).padStart(2, '0')}-01`;
    if (first > to) break;
    const last = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
    out.push([first < from ? from : first, last > to ? to : last]);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return out;
}

for (const database of databasesUnderTest()) {
  describe(`staff analytics on ${database.name}`, () => {
    let t: RunningTownhall;
    let analyst: SignedIn;
    let raw: RawCase[];
    const ctx = () => ({ jurisdictionId: t.config.jurisdiction.id, timeZone });
    const from = '2025-12-01';
    const to = localDay(seededOn.toISOString());

    before(async () => {
      const b = demoCity.bounds;
      t = await startTownhall(database, {
        services: [], groups: [],
        env: { TOWNHALL_TIME_ZONE: timeZone, TOWNHALL_BOUNDS: `${b.minLat},${b.minLong},${b.maxLat},${b.maxLong}` },
      });
      await seedDemo(t.db, t.config, t.keyring, seededOn);
      // Practice cases in the training space: never counted.
      await ensureTrainingSpace(t.db, t.config, t.keyring);
      await createTrainingCases(t.db, t.config, t.keyring, { count: 5 });
      await rebuildRollups(t.db, ctx(), seededOn.toISOString());
      analyst = await signedInAs(t, 'analyst@example.org', 'analyst', null);
      raw = await t.db.selectFrom('cases').select(['id', 'requested_at', 'closed_at', 'status', 'expected_at', 'department_id', 'service_code', 'channel', 'lat', 'long'])
        .where('jurisdiction_id', '=', t.config.jurisdiction.id).execute();
      assert.ok(raw.length > 2000, `the demo history is loaded (${raw.length} cases)`);
    });
    after(() => t?.close());

    const get = (path: string, who: SignedIn, lang = 'en') => fetch(`${t.baseUrl}${path}`, { headers: { cookie: who.cookie, accept: 'text/html', 'accept-language': lang } });
    const csv = async (figure: string, query: string, who: SignedIn = analyst) => {
      const response = await get(`/staff/insights/${figure}.csv?${query}`, who);
      assert.equal(response.status, 200, await response.clone().text());
      assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
      const [head, ...rows] = parseCsv(await response.text()).filter((r) => r.length > 1);
      return { head: head!, rows: rows.map((r) => ({ from: r[0]!, to: r[1]!, values: r.slice(2).map((v) => (v === '' ? null : Number(v))) })) };
    };

    test('volume, time to close, SLA compliance and backlog equal the raw cases, month by month', async () => {
      const query = `from=${from}&to=${to}&group=month`;
      const periods = months(from, to);
      const [volume, times, sla, backlog] = [await csv('volume', query), await csv('time-to-close', query), await csv('sla', query), await csv('backlog', query)];
      assert.deepEqual(volume.rows.map((r) => [r.from, r.to]), periods);
      const closedIn = (c: RawCase, [a, b]: [string, string]) => c.status === 'closed' && c.closed_at !== null && localDay(c.closed_at) >= a && localDay(c.closed_at) <= b;
      let checkedMedians = 0;
      periods.forEach((period, i) => {
        const [a, b] = period;
        const opened = raw.filter((c) => localDay(c.requested_at) >= a && localDay(c.requested_at) <= b).length;
        const closed = raw.filter((c) => closedIn(c, period));
        assert.deepEqual(volume.rows[i]!.values, [opened, closed.length], `volume of ${a}`);
        const durations = closed.map((c) => Date.parse(c.closed_at!) - Date.parse(c.requested_at));
        assert.deepEqual(times.rows[i]!.values, [percentileDays(durations, 0.5), percentileDays(durations, 0.9), closed.length], `time to close in ${a}`);
        if (durations.length > 0) checkedMedians++;
        const promised = closed.filter((c) => c.expected_at !== null);
        const kept = promised.filter((c) => Date.parse(c.closed_at!) <= Date.parse(c.expected_at!)).length;
        assert.deepEqual(sla.rows[i]!.values, [promised.length === 0 ? null : Math.round((kept / promised.length) * 1000) / 10, promised.length, kept], `SLA in ${a}`);
        const open = raw.filter((c) => localDay(c.requested_at) <= b && !(c.status === 'closed' && c.closed_at !== null && localDay(c.closed_at) <= b)).length;
        assert.equal(backlog.rows[i]!.values[0], open, `backlog at the end of ${b}`);
      });
      assert.ok(checkedMedians >= 10, 'most months had closed cases to compare');
      assert.ok(volume.rows.reduce((sum, r) => sum + r.values[0]!, 0) > 2000);
    });

    /** Volume and time to close per period of a view, against the raw cases the filter keeps. */
    async function checkAgainstRaw(query: string, periods: Array<[string, string]>, keep: (c: RawCase) => boolean) {
      const [volume, times] = [await csv('volume', query), await csv('time-to-close', query)];
      assert.deepEqual(volume.rows.map((r) => [r.from, r.to]), periods, query);
      let closedSeen = 0;
      periods.forEach(([a, b], i) => {
        const mine = raw.filter(keep);
        const opened = mine.filter((c) => localDay(c.requested_at) >= a && localDay(c.requested_at) <= b).length;
        const closed = mine.filter((c) => c.status === 'closed' && c.closed_at !== null && localDay(c.closed_at) >= a && localDay(c.closed_at) <= b);
        closedSeen += closed.length;
        assert.deepEqual(volume.rows[i]!.values, [opened, closed.length], `${query}: volume of ${a}`);
        const durations = closed.map((c) => Date.parse(c.closed_at!) - Date.parse(c.requested_at));
        assert.deepEqual(times.rows[i]!.values, [percentileDays(durations, 0.5), percentileDays(durations, 0.9), closed.length], `${query}: time to close in ${a}`);
      });
      assert.ok(closedSeen > 0, `${query}: some cases closed`);
    }

    test('week by week, whole weeks read from the coarse spans and the cut ones day by day, for every service, one, and one department', async () => {
      const weekFrom = '2026-06-10';
      const periods = weeks(weekFrom, to);
      assert.ok(periods.length > 20);
      await checkAgainstRaw(`from=${weekFrom}&to=${to}`, periods, () => true);
      await checkAgainstRaw(`from=${weekFrom}&to=${to}&service=pothole`, periods, (c) => c.service_code === 'pothole');
      const department = await t.db.selectFrom('departments').select(['id', 'code']).orderBy('id').executeTakeFirstOrThrow();
      await checkAgainstRaw(`from=${weekFrom}&to=${to}&department=${department.code}`, periods, (c) => c.department_id === department.id);
      await checkAgainstRaw(`from=${from}&to=${to}&group=month&department=-`, months(from, to), (c) => c.department_id === null);
    });

    test('views by channel and by area (the fine rollups) equal the raw cases', async () => {
      await checkAgainstRaw(`from=${from}&to=${to}&group=month&channel=web`, months(from, to), (c) => c.channel === 'web');
      // The area of a case worked out here apart: the smallest gazetteer area whose bounds hold its point.
      const areas = await t.db.selectFrom('places').select(['name', 'min_lat', 'min_long', 'max_lat', 'max_long'])
        .where('jurisdiction_id', '=', t.config.jurisdiction.id).where('kind', '=', 'area').execute();
      const areaOf = (c: RawCase) => {
        const holding = areas.filter((a) => c.lat !== null && c.long !== null && a.min_lat !== null && a.min_long !== null && a.max_lat !== null && a.max_long !== null
          && c.lat >= a.min_lat && c.lat <= a.max_lat && c.long >= a.min_long && c.long <= a.max_long);
        holding.sort((x, y) => (x.max_lat! - x.min_lat!) * (x.max_long! - x.min_long!) - (y.max_lat! - y.min_lat!) * (y.max_long! - y.min_long!));
        return holding[0]?.name ?? '';
      };
      const counts = new Map<string, number>();
      for (const c of raw) counts.set(areaOf(c), (counts.get(areaOf(c)) ?? 0) + 1);
      const busiest = [...counts].filter(([name]) => name !== '').sort((x, y) => y[1] - x[1])[0];
      assert.ok(busiest, 'the demo has cases in named areas');
      await checkAgainstRaw(`from=${from}&to=${to}&group=month&area=${encodeURIComponent(busiest[0])}`, months(from, to), (c) => areaOf(c) === busiest[0]);
      await checkAgainstRaw(`from=${from}&to=${to}&group=month&area=-&channel=web`, months(from, to), (c) => areaOf(c) === '' && c.channel === 'web');
    });

    test('weekly figures for one department, as its supervisor sees them; another department is refused', async () => {
      const departments = await t.db.selectFrom('departments').select(['id', 'code', 'name']).execute();
      const counts = new Map<number, number>();
      for (const c of raw) if (c.department_id !== null) counts.set(c.department_id, (counts.get(c.department_id) ?? 0) + 1);
      const busiest = departments.sort((x, y) => (counts.get(y.id) ?? 0) - (counts.get(x.id) ?? 0))[0]!;
      const other = departments.find((d) => d.id !== busiest.id)!;
      const supervisor = await signedInAs(t, 'supervisor@example.org', 'supervisor', busiest.code);
      const weekFrom = '2026-10-05';
      const volume = await csv('volume', `from=${weekFrom}&to=${to}&group=week`, supervisor);
      const mine = raw.filter((c) => c.department_id === busiest.id);
      const opened = mine.filter((c) => localDay(c.requested_at) >= weekFrom && localDay(c.requested_at) <= to).length;
      assert.ok(opened > 0);
      assert.equal(volume.rows.reduce((sum, r) => sum + r.values[0]!, 0), opened);
      assert.ok(volume.rows.every((r) => new Date(`${r.from}T00:00:00Z`).getUTCDay() === 1), 'weeks start on Monday');
      const refused = await get(`/staff/insights?department=${other.code}`, supervisor);
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /your own department/);
      const page = await get('/staff/insights', supervisor);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.ok(html.includes(busiest.name), 'the page names the department');
      assert.ok(!html.includes('name="department"'), 'no choice of department for a supervisor');
    });

    test('the page: a chart and a table per figure, names not codes, in Spanish and Arabic (right to left)', async () => {
      const service = await t.db.selectFrom('services').select(['code', 'name']).where('jurisdiction_id', '=', t.config.jurisdiction.id).where('code', '=', 'pothole').executeTakeFirstOrThrow();
      const page = await get(`/staff/insights?from=${from}&to=${to}&group=month&service=pothole`, analyst);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.equal((html.match(/<svg class="chart"/g) ?? []).length, 7);
      assert.equal((html.match(/<table/g) ?? []).length, 7);
      assert.ok(html.includes(`href="/staff/insights/volume.csv?from=${from}&amp;to=${to}&amp;group=month&amp;service=pothole"`));
      assert.ok(html.includes(`>${service.name}</option>`));
      const spanish = await (await get('/staff/insights?lang=es', analyst)).text();
      assert.match(spanish, /<html lang="es"/);
      assert.ok(spanish.includes('Casos abiertos y cerrados'));
      const arabic = await (await get('/staff/insights?lang=ar', analyst)).text();
      assert.match(arabic, /<html lang="ar" dir="rtl"/);
      assert.ok(arabic.includes('الحالات المفتوحة والمغلقة'));
    });

    test('bad filters are named in a 400 page; an unknown service, department or area too', async () => {
      const cases: Array<[string, RegExp]> = [
        ['?colour=red', /colour/],
        ['?from=2026-02-30', /&quot;From&quot; must be a date/],
        ['?from=yesterday&to=2026-13-01', /&quot;To&quot; must be a date/],
        ['?from=2026-06-01&to=2026-01-01', /start date must be on or before/],
        ['?from=2010-01-01&to=2026-01-01', /at most 5 years/],
        ['?group=day', /week or month/],
        ['?service=no-such-service', /no Service called &quot;no-such-service&quot;/],
        ['?department=nowhere', /no Department called/],
        ['?area=Atlantis', /no Area called/],
        ['?channel=pigeon', /no How it reached us called/],
        ['?from=2026-01-01&from=2026-02-01', /more than once/],
      ];
      for (const [query, message] of cases) {
        const response = await get(`/staff/insights${query}`, analyst);
        assert.equal(response.status, 400, query);
        assert.match(await response.text(), message, query);
      }
      const badCsv = await get('/staff/insights/volume.csv?to=nope', analyst);
      assert.equal(badCsv.status, 400);
    });

    test('residents and case workers get the usual refusal', async () => {
      const resident = await signedInAs(t, 'resident@example.org', 'resident', null);
      const worker = await signedInAs(t, 'worker@example.org', 'case_worker', 'public-works');
      for (const who of [resident, worker]) {
        for (const path of ['/staff/insights', '/staff/insights/volume.csv']) assert.equal((await get(path, who)).status, 403, path);
      }
    });

    test('the job picks up a case closed after its last run, and a second run changes nothing', async () => {
      const open = raw.filter((c) => c.status === 'open').sort((a, b) => a.id - b.id)[0]!;
      // Every rollup table, in full, in a fixed order.
      const state = async () => ({
        daily: await t.db.selectFrom('insight_daily').selectAll().orderBy('day').orderBy('service_code').orderBy('department_id').orderBy('area').orderBy('channel').execute(),
        times: await t.db.selectFrom('insight_close_times').selectAll().orderBy('day').orderBy('service_code').orderBy('department_id').orderBy('area').orderBy('channel').orderBy('bucket').execute(),
        totals: await t.db.selectFrom('insight_day_totals').selectAll().orderBy('day').orderBy('service_code').orderBy('department_id').orderBy('channel').execute(),
        spans: await t.db.selectFrom('insight_close_spans').selectAll().orderBy('span').orderBy('service_code').orderBy('department_id').orderBy('start').orderBy('bucket').execute(),
      });
      await refreshRollups(t.db, ctx());
      const closedBefore = (await csv('volume', `from=${from}&to=${to}&group=month`)).rows.reduce((sum, r) => sum + r.values[1]!, 0);
      const closedAt = new Date().toISOString();
      await applyStatusUpdate(t.db, t.config.jurisdiction.id, {
        updateId: `insights-test-${database.name}`, requestId: String(open.id), status: 'closed', state: 'closed', updatedAt: closedAt,
        description: 'Fixed.', mediaUrl: null,
      }, { id: 'test' }, { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' }, timeZone);
      const result = await refreshRollups(t.db, ctx());
      assert.ok(result.cases >= 1 && result.days >= 1, JSON.stringify(result));
      const today = localDay(closedAt);
      const after = await csv('volume', `from=${from}&to=${today > to ? today : to}&group=month`);
      assert.equal(after.rows.reduce((sum, r) => sum + r.values[1]!, 0), closedBefore + 1, 'one more case closed');
      const once = await state();
      // Three minutes on: the change is settled, read once more, and counted the same.
      await refreshRollups(t.db, ctx(), new Date(Date.now() + 3 * 60_000).toISOString());
      assert.deepEqual(await state(), once);
      const rebuilt = await rebuildRollups(t.db, ctx());
      assert.equal(rebuilt.cases, raw.length);
      assert.deepEqual(await state(), once, 'a rebuild counts the same');
      // In many small chunks (a few hundred cases, ten days each, every one its own transaction): the same again.
      const chunked = await rebuildRollups(t.db, ctx(), undefined, { pageSize: 400, daysPerChunk: 10 });
      assert.equal(chunked.cases, raw.length);
      assert.deepEqual(await state(), once, 'a chunked rebuild counts the same as the refresh');
      assert.ok(once.spans.some((r) => r.span === 'week') && once.spans.some((r) => r.span === 'month') && once.spans.some((r) => r.service_code === '*'));
    });

    test('while a rebuild runs the refresh waits, a second rebuild is refused, and a rebuild that died is taken over', async () => {
      const cursor = async () => t.db.selectFrom('insight_state').selectAll().executeTakeFirstOrThrow();
      const before = await cursor();
      await t.db.updateTable('insight_state').set({ rebuild_heartbeat: `${new Date().toISOString()} other` }).execute();
      assert.deepEqual(await refreshRollups(t.db, ctx()), { cases: 0, days: 0 });
      assert.equal((await cursor()).last_action_id, before.last_action_id, 'the refresh left the cursor alone');
      await assert.rejects(rebuildRollups(t.db, ctx()), RebuildRunningError);
      // Its mark went stale (the process died): the next refresh rebuilds, and clears it.
      await t.db.updateTable('insight_state').set({ rebuild_heartbeat: `${new Date(Date.now() - REBUILD_STALE_MS - 60_000).toISOString()} other` }).execute();
      const taken = await refreshRollups(t.db, ctx());
      assert.equal(taken.cases, raw.length);
      assert.equal((await cursor()).rebuild_heartbeat, null);
    });
  });
}
