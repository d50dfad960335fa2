/**
 * Loads the demo's history through the one way cases are made (submitCase): each request keeps
 * its own dates, and the closed ones their closing update; nobody is told, and the open ones get
 * their workflow later (routeDemoOpenCases), once the demo's departments exist.
 */
import { submitCase } from '../cases/submit.js';
import type { Actor, SubmissionContext } from '../cases/types.js';
import type { DB } from '../db/connection.js';
import type { HistoricRequest } from './history.js';

/** Imports the history in one transaction. Returns how many requests it loaded. */
export async function importDemoHistory(db: DB, context: SubmissionContext, history: HistoricRequest[], actor: Actor): Promise<number> {
  await db.transaction().execute(async (trx) => {
    for (const item of history) {
      await submitCase(trx, context, item.channel, {
        serviceCode: item.serviceCode, description: item.description, lat: item.lat, long: item.long, addressString: item.addressString,
        attributes: item.attributes, mediaUrls: [], contact: {},
      }, {
        actor,
        history: { requestedAt: item.requestedAt, closedAt: item.closedAt, statusNotes: item.statusNotes, agencyResponsible: item.agencyResponsible },
      });
    }
  });
  return history.length;
}
