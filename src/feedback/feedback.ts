/**
 * Feedback when a case closes: the reporter says whether the problem was fixed and how satisfied
 * they are. One answer per closure. "Not fixed" reopens the case for staff, in the same
 * transaction. Comments may hold personal data: they are stored sealed (encrypted), never shown
 * publicly, kept out of the audit trail, and exported and erased with the reporter's details.
 */
import { appendAudit } from '../audit/audit.js';
import { isUniqueViolation, type DB } from '../db/connection.js';
import type { MessageKey } from '../i18n/i18n.js';
import { open, seal, sealedWith, type Keyring } from '../platform/crypto.js';
import { nowIso } from '../platform/time.js';
import { followReason } from '../tracking/followers.js';
import { closingActionId, getServiceRequest } from '../cases/queries.js';
import { reopenCase } from '../cases/outside-updates.js';
import { type ServiceRequest } from '../cases/types.js';
import { DomainError } from '../platform/errors.js';
import { isFeedbackKey } from '../notifications/feedback-links.js';

export const MAX_COMMENT = 2_000;

export interface FeedbackAnswer {
  fixed: boolean;
  /** 1 very dissatisfied … 5 very satisfied; null when not given. */
  satisfaction: number | null;
  comment: string | null;
}

/** The form as sent: the fields it had, or each field's problem (a message key), all at once. */
export type ParsedForm =
  | { ok: true; answer: FeedbackAnswer }
  | { ok: false; errors: Partial<Record<'fixed' | 'satisfaction' | 'comment', { key: MessageKey; values?: Record<string, number> }>> };

export function parseFeedbackForm(fields: { fixed: string; satisfaction: string; comment: string }): ParsedForm {
  const errors: Extract<ParsedForm, { ok: false }>['errors'] = {};
  if (fields.fixed !== 'yes' && fields.fixed !== 'no') errors.fixed = { key: 'feedback.error.fixed' };
  if (fields.satisfaction !== '' && !/^[1-5]$/.test(fields.satisfaction)) errors.satisfaction = { key: 'feedback.error.satisfaction' };
  const comment = fields.comment.trim();
  const length = [...comment].length;
  if (length > MAX_COMMENT) errors.comment = { key: 'feedback.error.comment', values: { max: MAX_COMMENT, count: length } };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, answer: { fixed: fields.fixed === 'yes', satisfaction: fields.satisfaction === '' ? null : Number(fields.satisfaction), comment: comment || null } };
}

/** How a person shows they reported the case: signed in as its reporter, or the key from the closing email. */
export interface Proof {
  userId?: number | undefined;
  key?: string | undefined;
}

/** Why feedback cannot be given now; the page says what to do instead. */
export type Refusal = 'not_found' | 'not_closed' | 'not_allowed' | 'already_answered';

export type Eligibility =
  | { ok: true; request: ServiceRequest; closingActionId: number; provedBy: 'key' | 'account' }
  | { ok: false; refusal: Refusal; request?: ServiceRequest };

/** Whether this person may give feedback on this case now, checked in the order a person can act on. */
export async function feedbackEligibility(db: DB, keyring: Keyring, jurisdictionId: string, caseId: string, proof: Proof): Promise<Eligibility> {
  let request: ServiceRequest;
  try {
    request = await getServiceRequest(db, jurisdictionId, caseId);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'not_found') return { ok: false, refusal: 'not_found' };
    throw error;
  }
  const id = Number(request.id);
  const closing = request.status === 'closed' ? await closingActionId(db, id) : undefined;
  if (closing === undefined) return { ok: false, refusal: 'not_closed', request };
  const byKey = proof.key !== undefined && isFeedbackKey(keyring, id, closing, proof.key);
  const byAccount = !byKey && proof.userId !== undefined && (await followReason(db, id, proof.userId)) === 'reporter';
  if (!byKey && !byAccount) return { ok: false, refusal: 'not_allowed', request };
  if (await answered(db, id, closing)) return { ok: false, refusal: 'already_answered', request };
  return { ok: true, request, closingActionId: closing, provedBy: byKey ? 'key' : 'account' };
}

const answered = async (db: DB, caseId: number, closingAction: number) =>
  (await db.selectFrom('feedback').select('id').where('case_id', '=', caseId).where('closing_action_id', '=', closingAction).executeTakeFirst()) !== undefined;

export class AlreadyAnswered extends Error {
  constructor() {
    super('Feedback on this closure was already given.');
  }
}

/**
 * Stores the answer against the closure it is about and, when the problem is not fixed,
 * reopens the case: all in one transaction. Throws AlreadyAnswered on a second answer.
 */
export async function recordFeedback(db: DB, keyring: Keyring, jurisdictionId: string, target: { request: ServiceRequest; closingActionId: number }, answer: FeedbackAnswer, actor: string, timeZone = 'UTC'): Promise<{ reopened: boolean }> {
  const caseId = Number(target.request.id);
  try {
    await db.transaction().execute(async (trx) => {
      // Checked again inside: the case may have changed since the form was shown.
      if ((await closingActionId(trx, caseId)) !== target.closingActionId) throw new AlreadyAnswered();
      if (await answered(trx, caseId, target.closingActionId)) throw new AlreadyAnswered();
      const row = await trx.insertInto('feedback').values({
        case_id: caseId, service_code: target.request.serviceCode, closing_action_id: target.closingActionId,
        fixed: answer.fixed ? 1 : 0, satisfaction: answer.satisfaction,
        comment: answer.comment === null ? null : seal(keyring, COMMENT_FIELD, answer.comment), created_at: nowIso(),
      }).returning('id').executeTakeFirstOrThrow();
      // The comment stays out of the audit trail: it may hold personal details.
      await appendAudit(trx, {
        actor, action: 'service_request.feedback_given', entityType: 'service_request', entityId: String(caseId),
        after: { feedback_id: row.id, closing_action_id: target.closingActionId, fixed: answer.fixed, satisfaction: answer.satisfaction, has_comment: answer.comment !== null },
      });
      if (!answer.fixed) {
        await reopenCase(trx, jurisdictionId, caseId, { description: 'The reporter says the problem is not fixed.', details: { feedbackId: row.id } }, { id: actor }, timeZone);
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AlreadyAnswered();
    throw error;
  }
  return { reopened: !answer.fixed };
}

/** The field name sealed into each comment. */
export const COMMENT_FIELD = 'feedback.comment';

/** A stored comment, opened; one stored before comments were sealed is returned as it is. */
export function openComment(keyring: Keyring, stored: string | null): string | null {
  if (stored === null) return null;
  return sealedWith(stored) === null ? stored : open(keyring, COMMENT_FIELD, stored);
}

export interface GivenFeedback {
  fixed: boolean;
  satisfaction: number | null;
  comment: string | null;
  givenAt: string;
}

/** The feedback given on a case (for the person's data export), comments opened, oldest first. */
export async function feedbackForCase(db: DB, keyring: Keyring, caseId: number): Promise<GivenFeedback[]> {
  const rows = await db.selectFrom('feedback').select(['fixed', 'satisfaction', 'comment', 'created_at'])
    .where('case_id', '=', caseId).orderBy('id').execute();
  return rows.map((row) => ({ fixed: Number(row.fixed) === 1, satisfaction: row.satisfaction, comment: openComment(keyring, row.comment), givenAt: row.created_at }));
}

/** Clears the comments on a case's feedback (erasure or retention); the answers stay for statistics. */
export async function clearFeedbackComments(db: DB, caseId: number): Promise<void> {
  await db.updateTable('feedback').set({ comment: null }).where('case_id', '=', caseId).where('comment', 'is not', null).execute();
}

export interface FeedbackSummary {
  answers: number;
  /** Share of answers saying the problem was fixed, 0 to 1; null with no answers. */
  fixedShare: number | null;
  /** Mean of the satisfaction scores given (1 to 5); null when none was given. */
  averageSatisfaction: number | null;
}

/** Counts for analytics: how many answered, how many said fixed, how satisfied, for one service or all. */
export async function feedbackSummary(db: DB, jurisdictionId: string, filter: { serviceCode?: string } = {}): Promise<FeedbackSummary> {
  let query = db.selectFrom('feedback')
    .innerJoin('cases', 'cases.id', 'feedback.case_id')
    .where('cases.jurisdiction_id', '=', jurisdictionId)
    .select((eb) => [
      eb.fn.countAll<number | string>().as('answers'),
      eb.fn.sum<number | string | null>('feedback.fixed').as('fixed'),
      eb.fn.sum<number | string | null>('feedback.satisfaction').as('satisfaction_total'),
      eb.fn.count<number | string>('feedback.satisfaction').as('satisfaction_answers'),
    ]);
  if (filter.serviceCode) query = query.where('feedback.service_code', '=', filter.serviceCode);
  const row = await query.executeTakeFirstOrThrow();
  // PostgreSQL returns counts and sums of integers as text (bigint / numeric).
  const answers = Number(row.answers);
  const scored = Number(row.satisfaction_answers);
  return {
    answers,
    fixedShare: answers === 0 ? null : Number(row.fixed ?? 0) / answers,
    averageSatisfaction: scored === 0 ? null : Number(row.satisfaction_total ?? 0) / scored,
  };
}
