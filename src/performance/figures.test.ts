/**
 * The published measures equal figures worked out here, independently, from the raw demo
 * history (its requests and closures), the feedback and journeys recorded in the test and the
 * costs set in the test; training cases are never counted; every read is served by an index.
 * Both databases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createService, saveServiceGroup } from '../catalogue/catalogue.js';
import { closingActionId, getServiceRequest } from '../cases/queries.js';
import { submitCase } from '../cases/submit.js';
import type { DB } from '../db/connection.js';
import { demoServices } from '../demo/catalogue-data.js';
import { demoCity } from '../demo/city.js';
import { loadDemoHistory, type HistoricRequest } from '../demo/history.js';
import { importDemoHistory } from '../demo/history-import.js';
import { demoHistoryFile, seedDemoCatalogue } from '../demo/seed.js';
import { recordFeedback } from '../feedback/feedback.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { asAt } from '../platform/time.js';
import { trainingJurisdiction } from '../training/space.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { saveChannelCosts, type ChannelCosts } from './costs.js';
import { computeFigures, ENOUGH, figureQueries, measuresOf, sumMonths, type PerformanceFigures } from './figures.js';
import { countJourneySent, countJourneyStarted } from './journeys.js';
import { closedReportsQuery } from './updates.js';

const DAY = 86_400_000;
const now = '2026-03-15T19:00:00.000Z';
const jurisdiction = { id: demoCity.id, timeZone: demoCity.timeZone, bounds: demoCity.bounds };
const keyring = makeKeyring(newKey());
const costs: ChannelCosts['costs'] = { web: 35, api: 20, phone: 640, email: 410, counter: 1_150 };

/** The local month (YYYY-MM) of an instant, by Intl alone (not the code under test). */
const monthParts = new Intl.DateTimeFormat('en-CA', { timeZone: demoCity.timeZone, year: 'numeric', month: '2-digit' });
const monthOf = (iso: string) => {
  const parts = monthParts.formatToParts(new Date(iso));
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
};
const twelveMonths = (() => {
  const [y, m] = monthOf(now).split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const total = y * 12 + (m - 1) - 11 + i;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  });
})();
const expectedDays = new Map(demoServices.map((s) => [s.code, s.expectedDays ?? null]));
const medianOf = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const close = (actual: number | null, expected: number | null, label: string) => {
  if (expected === null) return assert.equal(actual, null, label);
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${label}: ${actual} should be ${expected}`);
};

interface Given { history: HistoricRequest[]; feedback: Array<{ service: string; at: string; satisfaction: number | null }>; journeys: Array<{ service: string; month: string; started: number; sent: number }> }

/** What each measure should be for a month (or the whole year), from the raw records. */
function expectedFor(given: Given, months: string[], service: string | null) {
  const inMonth = (iso: string | null) => iso !== null && months.includes(monthOf(iso));
  const mine = <T extends { serviceCode?: string; service?: string }>(r: T) => service === null || (r.serviceCode ?? r.service) === service;
  const requests = given.history.filter((r) => mine(r) && inMonth(r.requestedAt));
  const closed = given.history.filter((r) => mine(r) && inMonth(r.closedAt));
  const rated = given.feedback.filter((f) => mine(f) && f.satisfaction !== null && inMonth(f.at));
  const journeys = given.journeys.filter((j) => mine(j) && months.includes(j.month));
  const started = journeys.reduce((s, j) => s + j.started, 0);
  const sent = journeys.reduce((s, j) => s + j.sent, 0);
  const promised = closed.filter((r) => expectedDays.get(r.serviceCode) !== null);
  const inTime = promised.filter((r) => Date.parse(r.closedAt!) <= Date.parse(r.requestedAt) + expectedDays.get(r.serviceCode)! * DAY);
  return {
    requests: requests.length,
    cost: requests.length === 0 ? null : requests.reduce((s, r) => s + costs[r.channel as keyof typeof costs]!, 0) / requests.length,
    takeUp: requests.length < ENOUGH ? null : requests.filter((r) => r.channel === 'web' || r.channel === 'api').length / requests.length,
    satisfaction: rated.length < ENOUGH ? null : rated.filter((f) => f.satisfaction! >= 4).length / rated.length,
    completion: started < ENOUGH ? null : sent / started,
    inTime: promised.length < ENOUGH ? null : inTime.length / promised.length,
    median: closed.length < ENOUGH ? null : medianOf(closed.map((r) => (Date.parse(r.closedAt!) - Date.parse(r.requestedAt)) / DAY)),
  };
}

for (const database of databasesUnderTest()) {
  describe(`published performance figures (${database.name})`, () => {
    let t: TestDatabase;
    let db: DB;
    let figures: PerformanceFigures;
    const given: Given = { history: [], feedback: [], journeys: [] };

    before(async () => {
      t = await createTestDatabase(database);
      db = t.db;
      await seedDemoCatalogue(db, jurisdiction.id);
      given.history = loadDemoHistory(demoHistoryFile, new Date(now), { limit: 700 });
      await importDemoHistory(db, { jurisdiction, keyring }, given.history, { id: 'seed' });
      await saveChannelCosts(db, jurisdiction.id, { currency: 'GBP', costs }, 'test');

      // Feedback on some closed cases, a day after each closed (its month is when it was given).
      const closedCases = await db.selectFrom('cases').select(['id', 'closed_at']).where('jurisdiction_id', '=', jurisdiction.id)
        .where('status', '=', 'closed').orderBy('id').limit(160).execute();
      for (const [i, row] of closedCases.entries()) {
        const at = new Date(Math.min(Date.parse(row.closed_at!) + DAY, Date.parse(now) - 1000)).toISOString();
        const request = await getServiceRequest(db, jurisdiction.id, String(row.id));
        const satisfaction = i % 7 === 6 ? null : (i % 5) + 1;
        const closing = (await closingActionId(db, row.id))!;
        await asAt(new Date(at), () => recordFeedback(db, keyring, jurisdiction.id, { request, closingActionId: closing }, { fixed: true, satisfaction, comment: null }, 'test'));
        given.feedback.push({ service: request.serviceCode, at, satisfaction });
      }

      // Journeys: for two services, a different number started and sent in each month.
      for (const [m, month] of twelveMonths.entries()) {
        for (const service of ['pothole', 'graffiti']) {
          const started = service === 'pothole' ? 4 + m : 2;
          const sent = Math.floor(started * 0.6);
          for (let i = 0; i < started; i++) {
            const counted = await countJourneyStarted(db, jurisdiction, service, `${month}-10T20:00:00.000Z`);
            if (i < sent) await countJourneySent(db, jurisdiction.id, counted);
          }
          given.journeys.push({ service, month, started, sent });
        }
      }

      // The training space: a case, a journey and feedback that must never be counted.
      const training = trainingJurisdiction(jurisdiction.id);
      await saveServiceGroup(db, training, { code: 'streets', name: 'Streets' }, 0, 'test');
      const pothole = demoServices.find((s) => s.code === 'pothole')!;
      await createService(db, training, { ...pothole, groupCode: 'streets' }, 'test');
      await asAt(new Date(now), () => submitCase(db, { jurisdiction: { ...jurisdiction, id: training }, keyring }, 'phone', {
        serviceCode: 'pothole', description: 'Practice', lat: 37.75, long: -122.45, mediaUrls: [], contact: {},
        attributes: Object.fromEntries(pothole.attributes.filter((a) => a.required).map((a) => [a.code, a.values?.[0]?.key ?? 'x'])),
      }, { actor: { id: 'test' } }));
      for (let i = 0; i < 20; i++) await countJourneyStarted(db, { id: training, timeZone: jurisdiction.timeZone }, 'pothole', now);

      figures = await computeFigures(db, jurisdiction, now);
    });
    after(async () => t?.cleanup());

    test('the twelve months are the local months up to this one', () => {
      assert.deepEqual(figures.months, twelveMonths);
    });

    test('each month of the council equals the figures worked out from the raw history, feedback, journeys and costs', () => {
      let checkedSatisfaction = 0;
      for (const [i, month] of twelveMonths.entries()) {
        const m = measuresOf(figures.council[i]!, figures.costs);
        const e = expectedFor(given, [month], null);
        assert.equal(m.requests, e.requests, `${month} requests`);
        close(m.costPerTransaction, e.cost, `${month} cost per transaction`);
        close(m.digitalTakeUp, e.takeUp, `${month} digital take-up`);
        close(m.satisfaction, e.satisfaction, `${month} satisfaction`);
        close(m.completion, e.completion, `${month} completion`);
        close(m.inTime, e.inTime, `${month} closed in time`);
        close(m.medianDays, e.median, `${month} median days`);
        if (e.satisfaction !== null) checkedSatisfaction++;
      }
      assert.ok(checkedSatisfaction >= 3, 'several months have enough feedback to publish');
      assert.ok(figures.council.reduce((s, c) => s + c.requests, 0) > 500, 'the history fills the year');
    });

    test('the whole year, and a service on its own, equal the same independent figures', () => {
      const year = measuresOf(sumMonths(figures.council), figures.costs);
      const e = expectedFor(given, twelveMonths, null);
      assert.equal(year.requests, e.requests);
      close(year.costPerTransaction, e.cost, 'year cost');
      close(year.digitalTakeUp, e.takeUp, 'year take-up');
      close(year.satisfaction, e.satisfaction, 'year satisfaction');
      close(year.completion, e.completion, 'year completion');
      close(year.inTime, e.inTime, 'year in time');
      close(year.medianDays, e.median, 'year median');
      for (const service of ['pothole', 'graffiti']) {
        const rows = figures.byService.get(service)!;
        for (const [i, month] of twelveMonths.entries()) {
          const m = measuresOf(rows[i]!, figures.costs);
          const s = expectedFor(given, [month], service);
          assert.equal(m.requests, s.requests, `${service} ${month}`);
          close(m.costPerTransaction, s.cost, `${service} ${month} cost`);
          close(m.digitalTakeUp, s.takeUp, `${service} ${month} take-up`);
          close(m.completion, s.completion, `${service} ${month} completion`);
          close(m.inTime, s.inTime, `${service} ${month} in time`);
          close(m.medianDays, s.median, `${service} ${month} median`);
          close(m.satisfaction, s.satisfaction, `${service} ${month} satisfaction`);
        }
      }
    });

    test('too little data gives no figure (null), never 0 or NaN; a channel without a cost leaves the cost unpublished', () => {
      const graffiti = figures.byService.get('graffiti')!;
      // Two journeys started a month is below the threshold.
      assert.ok(graffiti.every((row) => measuresOf(row, figures.costs).completion === null));
      const partial = measuresOf(figures.council[11]!, { currency: 'GBP', costs: { web: 35 }, updatedAt: null });
      assert.equal(partial.costPerTransaction, null);
      assert.equal(partial.costMissing, true);
      const empty = measuresOf(sumMonths([]), figures.costs);
      for (const value of [empty.costPerTransaction, empty.satisfaction, empty.completion, empty.digitalTakeUp, empty.inTime, empty.medianDays]) assert.equal(value, null);
    });

    test('training cases and journeys are never counted', async () => {
      const trainingFigures = await computeFigures(db, { id: trainingJurisdiction(jurisdiction.id), timeZone: jurisdiction.timeZone }, now);
      assert.equal(trainingFigures.council[11]!.requests, 1, 'the training case exists, in its own jurisdiction');
      const thisMonth = figures.council[11]!;
      assert.equal(thisMonth.journeysStarted, given.journeys.filter((j) => j.month === twelveMonths[11]).reduce((s, j) => s + j.started, 0));
      assert.equal(thisMonth.byChannel.phone ?? 0, given.history.filter((r) => r.channel === 'phone' && monthOf(r.requestedAt) === twelveMonths[11]).length);
    });

    test('every read is a range of an index, never a scan of the table', async () => {
      const { from, to } = { from: '2026-01-01T08:00:00.000Z', to: '2026-02-01T08:00:00.000Z' };
      const queries = {
        requests: figureQueries.requests(db, jurisdiction.id, from, to),
        closures: figureQueries.closures(db, jurisdiction.id, from, to),
        feedback: figureQueries.feedback(db, jurisdiction.id, from, to),
        journeys: figureQueries.journeys(db, jurisdiction.id, '2025-04-01', '2026-03-32'),
        closedReports: closedReportsQuery(db, jurisdiction.id, null, 1),
        closedReportsOfService: closedReportsQuery(db, jurisdiction.id, 'pothole', 2),
      };
      for (const [name, query] of Object.entries(queries)) {
        const compiled = query.compile();
        let plan: string;
        if (database.name === 'sqlite') {
          const rows = await db.executeQuery<{ detail: string }>({ ...compiled, sql: `explain query plan ${compiled.sql}` });
          plan = rows.rows.map((r) => r.detail).join('\n');
          assert.doesNotMatch(plan, /^SCAN (cases|feedback|journey_counts)\b/m, `${name} scans a whole table:\n${plan}`);
        } else {
          // A test database is too small for the planner to prefer an index: forbid whole-table scans and see that one serves.
          plan = await db.transaction().execute(async (trx) => {
            await trx.executeQuery({ ...compiled, sql: 'set local enable_seqscan = off', parameters: [] });
            const rows = await trx.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain ${compiled.sql}` });
            return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
          });
          assert.doesNotMatch(plan, /Seq Scan/, `${name} scans a whole table:\n${plan}`);
        }
        assert.match(plan, /INDEX|Index/, `${name} uses an index:\n${plan}`);
      }
    });
  });
}
