/**
 * Inspections of applications: an officer books a slot (date, start time, length, place,
 * inspector); the applicant is emailed an iCalendar invitation (ics.ts) through the outbox, sent
 * again with a higher SEQUENCE when the slot changes and as a CANCEL when it is called off. The
 * inspector records the result on a phone-friendly page against the service's checklist (the
 * form definition's `inspection.checklist`): pass, fail or not applicable per item, notes, photos
 * and the outcome. Booking takes the case into the workflow's `inspection` state where the
 * workflow offers it; each step is a case action and an audit entry, in one transaction.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { applicationLink } from '../cases/application-links.js';
import { appendCaseRecord } from '../cases/case-records.js';
import type { EngineContext } from '../cases/actions.js';
import { contactForCase } from '../cases/reporters.js';
import { findCase } from '../cases/store.js';
import type { DB } from '../db/connection.js';
import { languages, translator } from '../i18n/i18n.js';
import { preparePhoto } from '../media/photos.js';
import { queueEmail } from '../notifications/email.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { formatInZone, nowIso } from '../platform/time.js';
import type { Keyring } from '../platform/crypto.js';
import { userNames } from '../staff/store.js';
import type { WorkflowActor } from '../workflow/types.js';
import { checkCaseWorker, isRealDate, todayIn, transitionIfOffered } from './consultations.js';
import type { ChecklistItem, FormDefinition } from './definition.js';
import { calendarInvitation } from './ics.js';
import { localizeDefinition } from './localize.js';
import * as applicationStore from './store.js';
import * as store from './inspection-store.js';

export const MAX_PLACE = 500;
export const MAX_NOTES = 4_000;
export const MAX_INSPECTION_PHOTOS = 10;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface Slot { date: string; time: string; durationMinutes: string; place: string; inspectorId: string }
export interface CheckedSlot { startsAt: string; durationMinutes: number; place: string; inspectorId: number }

/** Who the invitation comes from (the council's sending address) and where links point. */
export interface InvitationSender { organizer: { name: string; email: string }; publicUrl: string; council: string }

/**
 * A local date and time in the council's zone as a UTC instant (null when the time does not
 * exist there, in the hour skipped when clocks go forward).
 */
export function zonedToUtc(date: string, time: string, timeZone: string): string | null {
  const naive = Date.parse(`${date}T${time}:00Z`);
  if (Number.isNaN(naive)) return null;
  const offsetAt = (ms: number) => {
    const text = formatInZone(new Date(ms).toISOString(), timeZone);
    const sign = text.at(-6) === '-' ? -1 : 1;
    return sign * (Number(text.slice(-5, -3)) * 60 + Number(text.slice(-2)));
  };
  const first = naive - offsetAt(naive) * 60_000;
  const instant = naive - offsetAt(first) * 60_000;
  return formatInZone(new Date(instant).toISOString(), timeZone).slice(0, 16) === `${date}T${time}` ? new Date(instant).toISOString() : null;
}

/** Every problem with a slot, keyed by its form field; the slot in UTC when there is none. */
export function checkSlot(slot: Slot, timeZone: string, now = nowIso()): { problems: Record<string, string> } | { slot: CheckedSlot } {
  const problems: Record<string, string> = {};
  let startsAt: string | null = null;
  if (!slot.date) problems.date = 'Give the date of the inspection.';
  else if (!isRealDate(slot.date)) problems.date = 'The date must be a real date, written 2027-03-01.';
  if (!slot.time) problems.time = 'Give the time the inspection starts.';
  else if (!TIME.test(slot.time)) problems.time = 'The start time must be written as hours and minutes on the 24-hour clock, such as 09:30 or 14:00.';
  if (!problems.date && !problems.time) {
    startsAt = zonedToUtc(slot.date, slot.time, timeZone);
    if (startsAt === null) problems.time = 'That time does not exist on that day (the clocks change): choose another.';
    else if (startsAt <= now) problems.date = 'The inspection must be in the future.';
    else if (slot.date > todayIn(timeZone, new Date(Date.parse(now) + 366 * 86_400_000).toISOString())) problems.date = 'Book the inspection within a year.';
  }
  const minutes = Number(slot.durationMinutes);
  if (!slot.durationMinutes) problems.duration = 'Give how long the inspection takes, in minutes.';
  else if (!/^\d{1,3}$/.test(slot.durationMinutes) || minutes < 5 || minutes > 720) problems.duration = 'The length must be a whole number of minutes, from 5 to 720.';
  const place = slot.place.trim();
  if (!place) problems.place = 'Give the place of the inspection.';
  else if ([...place].length > MAX_PLACE) problems.place = `The place must be at most ${MAX_PLACE} characters.`;
  const inspectorId = Number(slot.inspectorId);
  if (!slot.inspectorId || !Number.isSafeInteger(inspectorId) || inspectorId < 1) problems.inspector = 'Choose the inspector.';
  if (Object.keys(problems).length > 0) return { problems };
  return { slot: { startsAt: startsAt!, durationMinutes: minutes, place, inspectorId } };
}

/** A problem tied to a form field, so the page can show it there. */
export class SlotProblems extends Error {
  constructor(readonly problems: Record<string, string>) {
    super(Object.values(problems)[0]);
  }
}

async function inspectorName(trx: DB, inspectorId: number): Promise<string> {
  const user = await trx.selectFrom('users').select(['id', 'role', 'status', 'display_name']).where('id', '=', inspectorId).executeTakeFirst();
  if (!user || user.status !== 'active' || !['case_worker', 'supervisor', 'department_admin', 'system_admin'].includes(user.role)) {
    throw new SlotProblems({ inspector: 'Choose one of the staff listed as the inspector.' });
  }
  // Applicants see the display name staff chose; without one, no address of theirs is given out.
  return user.display_name ?? 'a council inspector';
}

const whenIn = (iso: string, language: string, timeZone: string) =>
  new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language, { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));

/** Queues the applicant's email with the invitation (or its cancellation) attached. */
async function queueInvitation(trx: DB, ctx: EngineContext, sender: InvitationSender, inspection: store.InspectionRow, method: 'REQUEST' | 'CANCEL', extra: { inspector: string; changed?: boolean; reason?: string }): Promise<boolean> {
  const contact = await contactForCase(trx, ctx.notify.keyring, inspection.case_id);
  const application = await applicationStore.findApplication(trx, ctx.jurisdictionId, inspection.case_id);
  if (!contact?.email || !application) return false;
  const language = application.language;
  const t = translator(languages.find((l) => l.code === language) ?? languages[0]!).t;
  const definition = localizeDefinition(JSON.parse(application.definition) as FormDefinition, language);
  const ends = new Date(Date.parse(inspection.starts_at) + inspection.duration_minutes * 60_000).toISOString();
  const applicant = [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.email;
  const reference = String(inspection.case_id);
  const values = {
    reference, service: definition.title, when: whenIn(inspection.starts_at, language, ctx.timeZone), minutes: String(inspection.duration_minutes), place: inspection.place,
    inspector: extra.inspector, link: await applicationLink(trx, sender.publicUrl, inspection.case_id), council: sender.council, reason: extra.reason ?? '',
  };
  const host = new URL(sender.publicUrl).hostname || 'townhall.invalid';
  const ics = calendarInvitation({
    uid: `inspection-${inspection.id}@${host}`, sequence: inspection.sequence, method, start: inspection.starts_at, end: ends, stamp: nowIso(),
    summary: `${sender.council}: inspection for application ${reference} (${definition.title})`, location: inspection.place,
    description: `Inspection for application ${reference} (${definition.title}). Inspector: ${extra.inspector}. ${sender.publicUrl}/apply/applications/${reference}`,
    organizer: sender.organizer, attendee: { name: applicant, email: contact.email },
  });
  const cancelled = method === 'CANCEL';
  await queueEmail(trx, ctx.notify.keyring, 'inspection_invitation', {
    to: contact.email, language,
    subject: t(cancelled ? 'applications.email.inspectionCancelledSubject' : extra.changed ? 'applications.email.inspectionChangedSubject' : 'applications.email.inspectionSubject', values),
    text: t(cancelled ? 'applications.email.inspectionCancelledText' : 'applications.email.inspectionText', values),
    attachments: [{ filename: cancelled ? 'cancelled.ics' : 'invitation.ics', contentType: `text/calendar; charset=utf-8; method=${method}`, content: ics }],
  }, { idempotencyKey: `inspection:${inspection.id}:${inspection.sequence}` });
  return true;
}

async function applicationCase(trx: DB, ctx: EngineContext, caseId: number, actor: WorkflowActor) {
  const current = await findCase(trx, ctx.jurisdictionId, caseId);
  if (!current || current.kind !== 'application') throw notFound(`There is no application ${caseId}.`);
  checkCaseWorker(actor, current.department_id);
  return current;
}

/** Books an inspection and emails the applicant the invitation; the inspection's id (null: this form was sent already). */
export async function bookInspection(db: DB, ctx: EngineContext, sender: InvitationSender, caseId: number, slot: Slot, actor: WorkflowActor, idempotencyKey: string): Promise<string | null> {
  const checked = checkSlot(slot, ctx.timeZone);
  if ('problems' in checked) throw new SlotProblems(checked.problems);
  const { startsAt, durationMinutes, place, inspectorId } = checked.slot;
  return db.transaction().execute(async (trx) => {
    const current = await applicationCase(trx, ctx, caseId, actor);
    if (current.status !== 'open') throw conflict('This application is decided or withdrawn: no inspection can be booked.');
    const inspector = await inspectorName(trx, inspectorId);
    const id = randomUUID();
    const at = nowIso();
    const when = formatInZone(startsAt, ctx.timeZone).slice(0, 16).replace('T', ' ');
    const actionId = await appendCaseRecord(trx, ctx.jurisdictionId, caseId, {
      action: 'inspection_booked', actor: actor.id, text: `Inspection booked for ${when} (${durationMinutes} minutes) at ${place}, with ${inspector}`,
      details: { inspection: id, startsAt, durationMinutes, inspector: inspectorId },
      audit: { action: 'application.inspection_booked', after: { inspection: id, starts_at: startsAt, duration_minutes: durationMinutes, inspector: inspectorId } }, idempotencyKey,
    });
    if (actionId === null) return null;
    await store.insertInspection(trx, {
      id, jurisdiction_id: ctx.jurisdictionId, case_id: caseId, starts_at: startsAt, duration_minutes: durationMinutes, place, inspector_user_id: inspectorId,
      status: 'booked', sequence: 0, booked_by: actor.id, booked_at: at, updated_at: at, outcome: null, results: null, notes: null, recorded_by: null, recorded_at: null,
    });
    await transitionIfOffered(trx, ctx, caseId, 'inspect', { publicNote: `An inspection is booked for ${when}. We have emailed you an invitation.` }, actor, `${idempotencyKey}:inspect`);
    const row = (await store.findInspection(trx, ctx.jurisdictionId, id))!;
    await queueInvitation(trx, ctx, sender, row, 'REQUEST', { inspector });
    return id;
  });
}

/**
 * A booked inspection someone may work on: staff of the application's department; for recording
 * the result and adding photos, also the inspector booked (who may be of another department).
 */
async function bookedInspection(trx: DB, ctx: EngineContext, id: string, actor: WorkflowActor, options: { inspectorMay?: boolean } = {}) {
  const inspection = /^[0-9a-f-]{36}$/.test(id) ? await store.findInspection(trx, ctx.jurisdictionId, id) : undefined;
  if (!inspection) throw notFound('There is no inspection at this address.');
  const isInspector = options.inspectorMay === true && actor.userId !== null && actor.userId === inspection.inspector_user_id
    && ['case_worker', 'supervisor', 'department_admin', 'system_admin'].includes(actor.role);
  if (!isInspector) await applicationCase(trx, ctx, inspection.case_id, actor);
  if (inspection.status !== 'booked') throw conflict(inspection.status === 'cancelled' ? 'This inspection was cancelled.' : 'This inspection\'s result is recorded already.');
  return inspection;
}

/** Moves a booked inspection to another slot: the applicant gets the changed invitation (same UID, next SEQUENCE). */
export async function changeInspection(db: DB, ctx: EngineContext, sender: InvitationSender, id: string, slot: Slot, actor: WorkflowActor): Promise<void> {
  const checked = checkSlot(slot, ctx.timeZone);
  if ('problems' in checked) throw new SlotProblems(checked.problems);
  const { startsAt, durationMinutes, place, inspectorId } = checked.slot;
  await db.transaction().execute(async (trx) => {
    const before = await bookedInspection(trx, ctx, id, actor);
    const inspector = await inspectorName(trx, inspectorId);
    const at = nowIso();
    if (!(await store.rebook(trx, id, { starts_at: startsAt, duration_minutes: durationMinutes, place, inspector_user_id: inspectorId, updated_at: at }))) throw conflict('This inspection is no longer booked.');
    const when = formatInZone(startsAt, ctx.timeZone).slice(0, 16).replace('T', ' ');
    await appendCaseRecord(trx, ctx.jurisdictionId, before.case_id, {
      action: 'inspection_changed', actor: actor.id, text: `Inspection moved to ${when} (${durationMinutes} minutes) at ${place}, with ${inspector}`,
      details: { inspection: id, startsAt, durationMinutes, inspector: inspectorId },
      audit: { action: 'application.inspection_changed', after: { inspection: id, starts_at: startsAt, was: before.starts_at, inspector: inspectorId } }, idempotencyKey: null,
    });
    const row = (await store.findInspection(trx, ctx.jurisdictionId, id))!;
    await queueInvitation(trx, ctx, sender, row, 'REQUEST', { inspector, changed: true });
  });
}

/** Calls off a booked inspection: the applicant's calendar gets the CANCEL. */
export async function cancelInspection(db: DB, ctx: EngineContext, sender: InvitationSender, id: string, reason: string, actor: WorkflowActor): Promise<void> {
  const why = reason.trim();
  if (!why) throw new SlotProblems({ cancel_reason: 'Say why the inspection is cancelled: the applicant reads it.' });
  if ([...why].length > 1_000) throw new SlotProblems({ cancel_reason: 'The reason must be at most 1,000 characters.' });
  await db.transaction().execute(async (trx) => {
    const before = await bookedInspection(trx, ctx, id, actor);
    const inspector = await inspectorName(trx, before.inspector_user_id).catch(() => 'the inspector');
    if (!(await store.cancel(trx, id, nowIso()))) throw conflict('This inspection is no longer booked.');
    await appendCaseRecord(trx, ctx.jurisdictionId, before.case_id, {
      action: 'inspection_cancelled', actor: actor.id, text: `Inspection cancelled: ${why}`,
      details: { inspection: id }, audit: { action: 'application.inspection_cancelled', after: { inspection: id } }, idempotencyKey: null,
    });
    const row = (await store.findInspection(trx, ctx.jurisdictionId, id))!;
    await queueInvitation(trx, ctx, sender, row, 'CANCEL', { inspector, reason: why });
  });
}

export type ItemResult = 'pass' | 'fail' | 'not_applicable';
export interface InspectionResult { outcome: string; items: Record<string, string>; notes: string }

/** Every problem with a result against its checklist, keyed by form field. */
export function checkResult(result: InspectionResult, checklist: ChecklistItem[]): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const item of checklist) {
    const given = result.items[item.id];
    if (given !== 'pass' && given !== 'fail' && given !== 'not_applicable') problems[`item_${item.id}`] = `Choose pass, fail or not applicable for: ${item.label}`;
  }
  if ([...result.notes].length > MAX_NOTES) problems.notes = `The notes must be at most ${MAX_NOTES.toLocaleString('en-GB')} characters.`;
  if (result.outcome !== 'pass' && result.outcome !== 'fail') problems.outcome = 'Choose whether the inspection passed or failed.';
  else if (result.outcome === 'pass' && checklist.some((item) => result.items[item.id] === 'fail')) problems.outcome = 'An item failed: the inspection cannot pass. Choose fail, or check the items again.';
  return problems;
}

/** The inspection with its application's checklist (in English: staff pages are in English). */
export async function inspectionWithChecklist(db: DB, ctx: Pick<EngineContext, 'jurisdictionId'>, id: string) {
  const inspection = /^[0-9a-f-]{36}$/.test(id) ? await store.findInspection(db, ctx.jurisdictionId, id) : undefined;
  if (!inspection) throw notFound('There is no inspection at this address.');
  const application = await applicationStore.findApplication(db, ctx.jurisdictionId, inspection.case_id);
  if (!application) throw notFound('There is no inspection at this address.');
  const definition = JSON.parse(application.definition) as FormDefinition;
  return { inspection, checklist: definition.inspection?.checklist ?? [], serviceName: definition.title, departmentId: application.department_id };
}

/** Records the result once; the case is then back under review where the workflow offers it. */
export async function recordInspectionResult(db: DB, ctx: EngineContext, id: string, result: InspectionResult, actor: WorkflowActor, idempotencyKey: string): Promise<void> {
  const { checklist } = await inspectionWithChecklist(db, ctx, id);
  const problems = checkResult(result, checklist);
  if (Object.keys(problems).length > 0) throw new SlotProblems(problems);
  await db.transaction().execute(async (trx) => {
    const before = await bookedInspection(trx, ctx, id, actor, { inspectorMay: true });
    const items = Object.fromEntries(checklist.map((item) => [item.id, result.items[item.id] as ItemResult]));
    const failed = checklist.filter((item) => items[item.id] === 'fail').map((item) => item.label);
    const notes = result.notes.trim();
    const outcome = result.outcome as 'pass' | 'fail';
    const actionId = await appendCaseRecord(trx, ctx.jurisdictionId, before.case_id, {
      action: 'inspection_result', actor: actor.id,
      text: `Inspection ${outcome === 'pass' ? 'passed' : 'failed'}${failed.length > 0 ? `. Failed: ${failed.join('; ')}` : ''}${notes ? `. Notes: ${notes}` : ''}`,
      details: { inspection: id, outcome, items, photos: JSON.parse(before.photos) as string[] },
      audit: { action: 'application.inspection_recorded', after: { inspection: id, outcome, items } }, idempotencyKey,
    });
    if (actionId === null) return;
    if (!(await store.recordResult(trx, id, { outcome, results: JSON.stringify(items), notes, recorded_by: actor.id, recorded_at: nowIso() }))) throw conflict('This inspection\'s result is recorded already.');
    await transitionIfOffered(trx, ctx, before.case_id, 'review', {}, actor, `${idempotencyKey}:review`);
  });
}

/** A photo taken at the inspection: re-encoded without its metadata, kept with the case's internal files. */
export async function addInspectionPhoto(db: DB, ctx: EngineContext, id: string, upload: { bytes: Buffer; name: string }, actor: WorkflowActor): Promise<void> {
  const photo = await preparePhoto(upload.bytes);
  await db.transaction().execute(async (trx) => {
    const inspection = await bookedInspection(trx, ctx, id, actor, { inspectorMay: true });
    const photos = JSON.parse(inspection.photos) as string[];
    if (photos.length >= MAX_INSPECTION_PHOTOS) throw invalid(`You can add up to ${MAX_INSPECTION_PHOTOS} photos to an inspection.`);
    const photoId = randomBytes(24).toString('base64url');
    const at = nowIso();
    await store.insertPhoto(trx, { id: photoId, jurisdiction_id: inspection.jurisdiction_id, case_id: inspection.case_id, content_type: photo.contentType, bytes: photo.bytes, file_name: `inspection-photo-${photos.length + 1}.jpg`, created_at: at });
    if (!(await store.addPhoto(trx, id, [...photos, photoId], at))) throw conflict('This inspection is no longer booked.');
    await appendCaseRecord(trx, ctx.jurisdictionId, inspection.case_id, {
      action: 'inspection_photo', actor: actor.id, text: `Inspection photo ${photos.length + 1} added`, details: { inspection: id, attachment: photoId },
      audit: { action: 'application.inspection_photo_added', after: { inspection: id, attachment: photoId } }, idempotencyKey: null,
    });
  });
}

/** The inspections of an application, for staff pages (the inspector named as colleagues see them). */
export async function inspectionsOfCase(db: DB, keyring: Keyring, caseId: number) {
  const rows = await store.inspectionsOfCase(db, caseId);
  const names = await userNames(db, keyring, [...new Set(rows.map((r) => r.inspector_user_id))]);
  return rows.map((row) => ({ ...row, inspector: names.get(row.inspector_user_id) ?? `staff member ${row.inspector_user_id}`, photoIds: JSON.parse(row.photos) as string[] }));
}

