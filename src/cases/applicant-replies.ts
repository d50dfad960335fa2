/**
 * An applicant's message on their application's case (the thread between applicant and
 * officer): appended as an action, and, when the case was waiting for more information from
 * them, the case moves on to review, which resumes its statutory clock (the workflow's entry
 * actions), in one transaction with its audit entry and live events.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { publishEvents } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import { caseEvents, caseWorkflow, stateOf } from '../workflow/workflow.js';
import { enterState, type CaseContext } from './lifecycle.js';
import { findCase, insertAction, lockCases, updateCase } from './store.js';

export const MAX_REPLY = 4_000;

export async function recordApplicantReply(db: DB, ctx: CaseContext, caseId: number, reply: { text: string; actor: string; waitingState: string; resumeState: string }): Promise<{ resumed: boolean }> {
  const text = reply.text.trim();
  if (!text) throw invalid('Write your message.');
  if ([...text].length > MAX_REPLY) throw invalid(`Your message must be at most ${MAX_REPLY} characters.`);
  return db.transaction().execute(async (trx) => {
    await lockCases(trx, [caseId]);
    const current = await findCase(trx, ctx.jurisdictionId, caseId);
    if (!current || current.kind !== 'application') throw notFound(`There is no application ${caseId}.`);
    if (current.status === 'closed') throw conflict('This application is decided or withdrawn: messages can no longer be added.');
    const at = nowIso();
    const resumed = current.state === reply.waitingState;
    const version = await caseWorkflow(trx, current);
    const target = resumed ? stateOf(version.definition, reply.resumeState) : undefined;
    const row = target ? await updateCase(trx, caseId, { state: target.code, status: target.publicStatus, updated_at: at }) : await updateCase(trx, caseId, { updated_at: at });
    await insertAction(trx, {
      caseId, action: 'applicant_reply', actor: reply.actor, idempotencyKey: null, status: row.status, state: row.state,
      description: text, mediaUrl: null, details: resumed ? { from: current.state, to: row.state } : {}, isPublic: false, at,
    });
    if (target) await enterState(trx, version.definition, row, target, ctx.timeZone, at);
    await appendAudit(trx, { actor: reply.actor, action: 'application.applicant_replied', entityType: 'application', entityId: String(caseId), after: { state: row.state, resumed } });
    await publishEvents(trx, caseEvents(row, 'applicant_reply', [row.department_id], null));
    return { resumed };
  });
}
