/**
 * Records that join a case without changing its state: a consultation asked of another
 * department and its reply, an inspection booked, changed, cancelled or its result. Each is
 * appended as a case action (internal: residents never see it in the public history) with its
 * audit entry and the staff's live event, in the caller's transaction. The state changes that go
 * with them (into consultation, into inspection) are the workflow's transitions, taken with
 * performCaseAction by the caller.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import { caseEvents } from '../workflow/workflow.js';
import { actionByIdempotencyKey, findCase, insertAction, lockCases } from './store.js';

export interface CaseRecord {
  /** The case action's name: consultation_asked, consultation_reply, inspection_booked... */
  action: string;
  /** "user:42". */
  actor: string;
  /** What the timeline shows as the action's text. */
  text: string;
  details: Record<string, unknown>;
  /** The audit entry's action ("application.consultation_replied") and what it keeps (no free text). */
  audit: { action: string; after: Record<string, unknown> };
  /** Sending the same form twice records it once. */
  idempotencyKey: string | null;
  /** The kind of case it joins (default an application). */
  kind?: 'application' | 'incident';
}

const KEY_PREFIX = 'record:';

/** Appends the record to an open or closed application (or incident) case; the action's id, or null when this key was used already. */
export async function appendCaseRecord(trx: DB, jurisdictionId: string, caseId: number, record: CaseRecord): Promise<number | null> {
  if (!trx.isTransaction) throw new Error('appendCaseRecord runs in the caller\'s transaction.');
  if (record.idempotencyKey !== null && (!record.idempotencyKey.trim() || record.idempotencyKey.length > 200)) throw invalid('This form has no key: reload the page and send it again.');
  await lockCases(trx, [caseId]);
  const current = await findCase(trx, jurisdictionId, caseId);
  const kind = record.kind ?? 'application';
  if (!current || current.kind !== kind) throw notFound(`There is no ${kind} ${caseId}.`);
  const key = record.idempotencyKey === null ? null : KEY_PREFIX + record.idempotencyKey;
  if (key !== null) {
    const earlier = await actionByIdempotencyKey(trx, key);
    if (earlier && earlier.case_id !== caseId) throw conflict('That form was already sent for another case. Reload the page and try again.');
    if (earlier) return null;
  }
  const at = nowIso();
  const actionId = await insertAction(trx, {
    caseId, action: record.action, actor: record.actor, idempotencyKey: key, status: null, state: null,
    description: record.text, mediaUrl: null, details: record.details, isPublic: false, at,
  });
  await appendAudit(trx, { actor: record.actor, action: record.audit.action, entityType: kind, entityId: String(caseId), after: { ...record.audit.after, action_id: actionId } });
  await publishEvents(trx, caseEvents(current, record.action, [current.department_id], null));
  return actionId;
}
