/**
 * The demo's published performance, so that `/performance` and the analytics show all four
 * measures on a fresh demo instead of "not enough data yet": what each channel costs (as a
 * council would set it at /admin/settings/performance), residents' answers to "was it fixed?"
 * on about one closed case in four, and the report journeys started and sent on the website on
 * each day of the history. Every choice is drawn from the case id, so two seeds of the same
 * history give the same figures.
 */
import type { DB } from '../db/connection.js';
import { saveChannelCosts } from '../performance/costs.js';
import { formatInZone } from '../platform/time.js';

/** Cost per transaction in cents, by channel: the order of the published UK figures (online cheapest, in person dearest). */
const demoCosts = { web: 310, api: 180, phone: 860, email: 540, counter: 1420 };

/** A number in [0, 1) from an integer and a salt, the same every time (murmur3's finaliser, so salts are independent). */
function draw(n: number, salt: number): number {
  let h = (n ^ Math.imul(salt, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

export async function seedDemoPerformance(db: DB, jurisdiction: { id: string; timeZone: string }, actor: string, now = new Date()): Promise<void> {
  await saveChannelCosts(db, jurisdiction.id, { currency: 'USD', costs: demoCosts }, actor);
  await seedFeedback(db, jurisdiction.id, now);
  await seedJourneys(db, jurisdiction);
}

/** Answers on about one closed case in four, a day or two after its last closing (never in the future). */
async function seedFeedback(db: DB, jurisdictionId: string, now: Date): Promise<void> {
  const closings = await db.selectFrom('cases')
    .innerJoin('case_actions', 'case_actions.case_id', 'cases.id')
    .select(['cases.id', 'cases.service_code', (eb) => eb.fn.max('case_actions.id').as('closing_action_id'), (eb) => eb.fn.max('case_actions.created_at').as('closed_at')])
    .where('cases.jurisdiction_id', '=', jurisdictionId).where('cases.status', '=', 'closed')
    // The closing action as the feedback form finds it: the case's latest public action that closed it.
    .where('case_actions.public', '=', 1).where('case_actions.status', '=', 'closed')
    .groupBy(['cases.id', 'cases.service_code']).orderBy('cases.id').execute();
  const rows = [];
  for (const c of closings) {
    if (draw(c.id, 1) >= 0.25) continue;
    const at = Math.min(Date.parse(String(c.closed_at)) + (6 + Math.floor(draw(c.id, 2) * 42)) * 3_600_000, now.getTime() - 60_000);
    const fixed = draw(c.id, 3) < 0.9;
    // Most who say it was fixed are satisfied; most who say it was not are not. One in ten gives no score.
    const score = draw(c.id, 4);
    const satisfaction = draw(c.id, 5) < 0.1 ? null : fixed ? (score < 0.45 ? 5 : score < 0.8 ? 4 : score < 0.93 ? 3 : 2) : (score < 0.5 ? 1 : score < 0.85 ? 2 : 3);
    rows.push({ case_id: c.id, service_code: c.service_code, closing_action_id: Number(c.closing_action_id), fixed: fixed ? 1 : 0, satisfaction, comment: null, created_at: new Date(at).toISOString() });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('feedback').values(rows.slice(i, i + 500)).execute();
}

/**
 * Journeys on the website: each web report of the history was a journey sent, on its local day;
 * about one journey in four was started and left (a number per service and day, as the portal
 * keeps them: no one is tracked).
 */
async function seedJourneys(db: DB, jurisdiction: { id: string; timeZone: string }): Promise<void> {
  const web = await db.selectFrom('cases').select(['id', 'service_code', 'requested_at'])
    .where('jurisdiction_id', '=', jurisdiction.id).where('channel', '=', 'web').orderBy('id').execute();
  const counts = new Map<string, { day: string; service_code: string; started: number; sent: number }>();
  for (const c of web) {
    const day = formatInZone(c.requested_at, jurisdiction.timeZone).slice(0, 10);
    const key = `${day} ${c.service_code}`;
    const count = counts.get(key) ?? { day, service_code: c.service_code, started: 0, sent: 0 };
    count.sent += 1;
    count.started += draw(c.id, 6) < 0.35 ? 2 : 1;
    counts.set(key, count);
  }
  const rows = [...counts.values()].map((c) => ({ jurisdiction_id: jurisdiction.id, ...c }));
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('journey_counts').values(rows.slice(i, i + 500)).execute();
}
