/**
 * Counting report journeys without tracking anyone: a number per service and day goes up by one
 * when a journey is started and, on the day it was started, when it is sent. No cookie is set,
 * no id or address is kept; the journey's own server-side draft (which exists anyway to carry
 * the answers between pages) remembers only that it was counted, and is deleted when sent.
 */
import type { DB } from '../db/connection.js';
import { nowIso, todayInZone } from '../platform/time.js';

/** What a report draft keeps so its journey is counted once: the service and local day it was counted for. */
export interface CountedJourney {
  service: string;
  day: string;
}

async function bump(db: DB, jurisdictionId: string, journey: CountedJourney, column: 'started' | 'sent'): Promise<void> {
  await db.insertInto('journey_counts')
    .values({ jurisdiction_id: jurisdictionId, day: journey.day, service_code: journey.service, started: column === 'started' ? 1 : 0, sent: column === 'sent' ? 1 : 0 })
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'day', 'service_code']).doUpdateSet((eb) => ({ [column]: eb(eb.ref(`journey_counts.${column}`), '+', 1) })))
    .execute();
}

/** Counts a journey started for this service today (in the jurisdiction's time zone); returns what the draft should remember. */
export async function countJourneyStarted(db: DB, jurisdiction: { id: string; timeZone: string }, service: string, now = nowIso()): Promise<CountedJourney> {
  const journey = { service, day: todayInZone(jurisdiction.timeZone, now) };
  await bump(db, jurisdiction.id, journey, 'started');
  return journey;
}

/** Counts a counted journey as sent, on the day and for the service it was started with. */
export async function countJourneySent(db: DB, jurisdictionId: string, journey: CountedJourney): Promise<void> {
  await bump(db, jurisdictionId, journey, 'sent');
}
