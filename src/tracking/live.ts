/**
 * Live updates of a report's public page (server-sent events), on the process's event hub:
 * every event of the topic "case:<id>" reaches the page as an `update` event whose id is the
 * event's id (and so does every emergency alert approved, for the page's alert banner), so a browser that reconnects (sending Last-Event-ID) hears what it missed. Several
 * app processes may share one PostgreSQL database; the hub hears of events from all of them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { topics } from '../platform/events.js';
import type { HubEvent } from '../live/hub.js';
import { lastEventIdOf, sseMessage, type EventStreams } from '../live/streams.js';

export interface CaseChange {
  status: string;
  state: string;
  updatedAt: string;
}

/**
 * Whatever the kind, the page only needs to know that the report changed; an emergency alert is
 * an `alert` event, which every open report page hears at once, so each fetches after a pause of
 * its own (live.js) rather than all together.
 */
const asUpdate = (event: HubEvent) => sseMessage(event, event.topic === topics.publicAlerts ? 'alert' : 'update');

export interface CaseStreamStart {
  caseId: number;
  /** The report as it is now. */
  current: CaseChange;
  /** The hub's position read before the report was, so nothing published meanwhile is missed. */
  position: number | null;
  /** The version of the page the browser shows (`?since=`, the report's updated_at), if it says. */
  since?: string | undefined;
  client?: string | undefined;
}

/**
 * Opens the stream of one report. A browser that comes back sends the last event id it saw and
 * hears what it missed; one that only knows its page's version (`since`) is told at once if the
 * report changed since, and so is one whose missed events are too old to replay.
 */
export function openCaseStream(streams: EventStreams, request: IncomingMessage, response: ServerResponse, start: CaseStreamStart): Promise<boolean> {
  const lastSeen = lastEventIdOf(request);
  // Ids from before events had numbers were the report's updated_at: treat them as `since`.
  const header = request.headers['last-event-id'];
  const since = lastSeen === undefined && typeof header === 'string' && header ? header : start.since;
  const stale = lastSeen === undefined && since !== undefined && since !== start.current.updatedAt;
  return streams.open(request, response, {
    // The report's changes, and emergency alerts (the page's alert banner).
    topics: [topics.publicCase(start.caseId), topics.publicAlerts],
    after: lastSeen ?? start.position ?? undefined,
    client: start.client,
    format: asUpdate,
    first: (position, tooOld) => (stale || tooOld ? `id: ${position}\nevent: update\ndata: ${JSON.stringify(start.current)}\n\n` : ''),
  });
}
