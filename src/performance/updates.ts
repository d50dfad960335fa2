/**
 * "You said, we did": recent closed reports with the council's public updates on them. Only the
 * public record is read: the service, when the report came and was closed, and the words of
 * public actions (status notes). Never the reporter's details or description, never internal
 * notes (actions not marked public).
 */
import type { DB } from '../db/connection.js';

export const UPDATES_PAGE = 20;
/** Older closures are there to read one page at a time, up to this many pages. */
export const MAX_UPDATES_PAGES = 50;

export interface ClosedReport {
  id: number;
  serviceCode: string;
  requestedAt: string;
  closedAt: string;
  /** The public updates, oldest first. */
  updates: Array<{ at: string; text: string }>;
}

export interface ClosedReportsPage {
  reports: ClosedReport[];
  page: number;
  /** Whether there is a page after this one. */
  more: boolean;
}

/** The query of one page, so its plan can be checked: a range of an index on closure time, newest first. */
export const closedReportsQuery = (db: DB, jurisdictionId: string, serviceCode: string | null, page: number) => {
  let query = db.selectFrom('cases').select(['id', 'service_code', 'requested_at', 'closed_at'])
    .where('jurisdiction_id', '=', jurisdictionId);
  if (serviceCode !== null) query = query.where('service_code', '=', serviceCode);
  return query.where('closed_at', 'is not', null).where('status', '=', 'closed').where('kind', '=', 'service_request')
    .where('merged_into', 'is', null).where('status_notes', 'is not', null)
    .orderBy('closed_at', 'desc').orderBy('id', 'desc')
    .limit(UPDATES_PAGE + 1).offset((page - 1) * UPDATES_PAGE);
};

/** One page (from 1) of recently closed reports with a public update, for a service or all. */
export async function closedReports(db: DB, jurisdictionId: string, serviceCode: string | null, page: number): Promise<ClosedReportsPage> {
  const rows = await closedReportsQuery(db, jurisdictionId, serviceCode, page).execute();
  const shown = rows.slice(0, UPDATES_PAGE);
  const ids = shown.map((row) => row.id);
  const notes = ids.length === 0 ? [] : await db.selectFrom('case_actions').select(['case_id', 'description', 'created_at'])
    .where('case_id', 'in', ids).where('public', '=', 1).where('description', 'is not', null).where('action', '!=', 'submitted')
    .orderBy('case_id').orderBy('id').execute();
  const byCase = new Map<number, Array<{ at: string; text: string }>>();
  for (const note of notes) {
    const text = note.description!.trim();
    if (text === '') continue;
    const list = byCase.get(note.case_id) ?? [];
    list.push({ at: note.created_at, text });
    byCase.set(note.case_id, list);
  }
  return {
    reports: shown.map((row) => ({ id: row.id, serviceCode: row.service_code, requestedAt: row.requested_at, closedAt: row.closed_at!, updates: byCase.get(row.id) ?? [] })),
    page,
    more: rows.length > UPDATES_PAGE && page < MAX_UPDATES_PAGES,
  };
}
