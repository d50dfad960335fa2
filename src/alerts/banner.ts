/**
 * The alert banner on every page: the public alerts in force, kept in memory for a few seconds
 * (so pages do not each ask the database), handed to the page kit per request as data
 * (`request.pageBanners`). An approval in this process empties the memory at once; other
 * processes see it within the few seconds, and an open report page hearing of the alert asks
 * again only after them.
 */
import type { FastifyInstance } from 'fastify';
import type { DB } from '../db/connection.js';
import { languageFor } from '../i18n/i18n.js';
import { nowIso } from '../platform/time.js';
import { wantsPage } from '../web/page.js';
import { covers, currentPublicAlerts, infoIn, onAlertApproved } from './alerts.js';
import type { Alert } from './types.js';

/** How long the list of alerts in force is kept in memory (live.js waits longer before it asks for a page after an alert). */
export const CURRENT_ALERTS_TTL_MS = 3_000;

interface Kept { at: number; generation: number; alerts: Alert[] }
const kept = new WeakMap<DB, Kept>();
let generation = 0;
onAlertApproved(() => { generation++; });

/** The public alerts warning people now (no Cancels), from memory when fresh. */
export async function alertsInForce(db: DB): Promise<Alert[]> {
  const now = Date.now();
  const hit = kept.get(db);
  let alerts: Alert[];
  if (hit && hit.generation === generation && now - hit.at < CURRENT_ALERTS_TTL_MS) alerts = hit.alerts;
  else {
    const asked = generation;
    alerts = await currentPublicAlerts(db);
    if (asked === generation) kept.set(db, { at: now, generation: asked, alerts });
  }
  const at = nowIso();
  return alerts.filter((a) => a.expires > at);
}

/** Sets `request.pageBanners` for every request that wants a page. */
export function showAlertBanners(app: FastifyInstance, db: DB): void {
  app.addHook('onRequest', async (request) => {
    if (!wantsPage(request) || request.url.startsWith('/assets/')) return;
    let alerts: Alert[];
    try {
      alerts = await alertsInForce(db);
    } catch (error) {
      // A page without its banner beats no page: the alerts page and feeds still say it.
      request.log.warn({ err: error }, 'the alerts in force could not be read for the banner');
      return;
    }
    const language = languageFor(request);
    request.pageBanners = alerts.map((alert) => {
      const info = infoIn(alert, language.code);
      return {
        href: `/alerts/${alert.id}`, headline: info.headline, lang: info.language, dir: info.language === language.code ? language.dir : info.language === 'ar' ? 'rtl' : 'ltr',
        covers: (place) => covers(alert, place),
      };
    });
  });
}
