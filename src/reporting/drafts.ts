/**
 * A report in progress: one question per page needs somewhere to keep the answers between
 * pages. The draft lives on the server (report_drafts), sealed because it may hold contact
 * details, and the browser holds only a random token in a cookie; the draft's id is the token's
 * hash, so a copy of the database alone cannot be used to take over someone's draft.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DB } from '../db/connection.js';
import { open, seal, sha256Hex, type Keyring } from '../platform/crypto.js';
import { addDays, nowIso } from '../platform/time.js';
import type { AttributeAnswers } from '../cases/types.js';
import { cookieName, readCookie, setCookie } from '../platform/cookies.js';

export const DRAFT_DAYS = 7;
const SEALED_FIELD = 'report_draft';

export interface DraftData {
  service?: string;
  /** The location step is answered: coordinates, a description, or both. */
  locationDone?: boolean;
  lat?: number;
  long?: number;
  /** The chosen place's name, when the resident picked one from the search. */
  placeName?: string;
  /** The resident's own words for where it is. */
  locationNote?: string;
  detailsDone?: boolean;
  description?: string;
  attributes?: AttributeAnswers;
  photosDone?: boolean;
  contactDone?: boolean;
  contact?: { name?: string; email?: string; phone?: string };
  /** The journey was counted as started (performance/journeys.ts): for this service, on this day. */
  counted?: { service: string; day: string };
}

export interface Draft {
  id: string;
  userId: number | null;
  data: DraftData;
}

export const draftCookie = (secure: boolean) => cookieName('townhall_report', secure);

/** The signed-in person's user id (staff only once their second factor is checked), else null. */
export const signedInUser = (request: FastifyRequest): number | null =>
  request.person?.secondFactorDone ? request.person.userId : null;

export async function startDraft(db: DB, keyring: Keyring, request: FastifyRequest, reply: FastifyReply, jurisdictionId: string, data: DraftData): Promise<Draft> {
  const old = readCookie(request, draftCookie(request.server.site.secure));
  if (old) await db.deleteFrom('report_drafts').where('id', '=', sha256Hex(old)).execute();
  // Abandoned drafts may hold contact details: they go once expired (their photos go with media's own clean-up).
  await db.deleteFrom('report_drafts').where('expires_at', '<=', nowIso()).execute();
  const token = randomBytes(32).toString('base64url');
  const id = sha256Hex(token);
  const at = nowIso();
  const userId = signedInUser(request);
  await db.insertInto('report_drafts').values({
    id, jurisdiction_id: jurisdictionId, user_id: userId, data: seal(keyring, SEALED_FIELD, JSON.stringify(data)),
    created_at: at, updated_at: at, expires_at: addDays(at, DRAFT_DAYS),
  }).execute();
  setCookie(reply, draftCookie(request.server.site.secure), token, { secure: request.server.site.secure, maxAge: DRAFT_DAYS * 86_400 });
  return { id, userId, data };
}

/** This browser's draft, unless there is none, it expired, or it belongs to someone else's account. */
export async function loadDraft(db: DB, keyring: Keyring, request: FastifyRequest, jurisdictionId: string): Promise<Draft | undefined> {
  const token = readCookie(request, draftCookie(request.server.site.secure));
  if (!token) return undefined;
  const row = await db.selectFrom('report_drafts').selectAll().where('id', '=', sha256Hex(token)).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  if (!row || row.expires_at <= nowIso()) return undefined;
  // A draft started while signed in is that account's: it is not picked up after signing out.
  if (row.user_id !== null && row.user_id !== signedInUser(request)) return undefined;
  let data: DraftData;
  try {
    data = JSON.parse(open(keyring, SEALED_FIELD, row.data)) as DraftData;
  } catch {
    return undefined;
  }
  return { id: row.id, userId: row.user_id, data };
}

/** Saves the answers so far; the draft (and its cookie) then lasts another week. */
export async function saveDraft(db: DB, keyring: Keyring, request: FastifyRequest, reply: FastifyReply, draft: Draft): Promise<void> {
  const at = nowIso();
  const userId = draft.userId ?? signedInUser(request);
  await db.updateTable('report_drafts').set({
    data: seal(keyring, SEALED_FIELD, JSON.stringify(draft.data)), user_id: userId, updated_at: at, expires_at: addDays(at, DRAFT_DAYS),
  }).where('id', '=', draft.id).execute();
  const token = readCookie(request, draftCookie(request.server.site.secure));
  if (token) setCookie(reply, draftCookie(request.server.site.secure), token, { secure: request.server.site.secure, maxAge: DRAFT_DAYS * 86_400 });
}

/** Drafts past their expiry (they may hold contact details), for the retention job. Returns how many went. */
export async function removeExpiredDrafts(db: DB, jurisdictionId: string, options: { now?: Date } = {}): Promise<number> {
  const result = await db.deleteFrom('report_drafts').where('jurisdiction_id', '=', jurisdictionId)
    .where('expires_at', '<=', (options.now ?? new Date()).toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes the draft; false when it was already gone (a second submit of the same report). */
export async function deleteDraft(trx: DB, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('report_drafts').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export const clearDraftCookie = (request: FastifyRequest, reply: FastifyReply) =>
  setCookie(reply, draftCookie(request.server.site.secure), '', { secure: request.server.site.secure, maxAge: 0 });

export type Step = 'service' | 'location' | 'details' | 'photos' | 'contact' | 'check';
const order: Step[] = ['service', 'location', 'details', 'photos', 'contact', 'check'];

/** The first question not yet answered; signed-in residents have no contact step. */
export function firstUnanswered(data: DraftData, signedIn: boolean): Step {
  if (!data.service) return 'service';
  if (!data.locationDone) return 'location';
  if (!data.detailsDone) return 'details';
  if (!data.photosDone) return 'photos';
  if (!signedIn && !data.contactDone) return 'contact';
  return 'check';
}

/** Whether a step may be shown now: every step before it is answered. */
export const reachable = (step: Step, data: DraftData, signedIn: boolean) =>
  order.indexOf(step) <= order.indexOf(firstUnanswered(data, signedIn)) && !(step === 'contact' && signedIn);

export const stepPath = (step: Step) => `/report/${step}`;
