/**
 * The rules of emergency alerts (issue 15): an emergency officer drafts an alert, a second one
 * approves it (never the same person), or it is rejected. Every CAP field is checked, and every
 * problem is told at once. Update and Cancel follow an approved alert (CAP `references`).
 * Approval, its audit entry, the fan-out to subscribers and the live event are one transaction.
 *
 * Only `Actual` alerts with scope `Public` are public: Exercise, System, Test and Draft never
 * appear on the public pages, feeds or banner.
 */
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import type { Role } from '../identity/roles.js';
import { areaMatcher, boxOfArea, geoJsonRings, looksLikeGeoJson, parseCapCircle, parseCapPolygon, type Area, type LatLong } from '../places/geometry.js';
import { DomainError, forbidden, invalid, notFound } from '../platform/errors.js';
import { publishEvents, topics } from '../platform/events.js';
import { nowIso } from '../platform/time.js';
import { startAlertFanOut, wakeAlertFanOut } from './fan-out.js';
import * as store from './store.js';
import {
  alertStatuses, categories as capCategories, certainties, msgTypes, scopes, severities, urgencies,
  type Alert, type AlertInfo, type AlertStatus, type Category, type Certainty, type MsgType, type Scope, type Severity, type Urgency,
} from './types.js';

/** Who may author and approve alerts. */
export const alertRoles: readonly Role[] = ['emergency_officer', 'system_admin'];

export interface AlertActor { userId: number; role: Role }

/** The public topic of alert changes (server-sent events): an event carries only the alert's id. */
export const ALERTS_TOPIC = topics.publicAlerts;

/** Longest texts, so one alert fits every channel's consumers (CAP suggests a headline under 160). */
export const limits = { headline: 160, event: 120, description: 4000, instruction: 2000, contact: 300, web: 500, areaDescription: 300 } as const;

/** An info block as the officer writes it: enums as text, checked here. */
export interface InfoInput {
  language: string;
  categories: string[];
  event: string;
  urgency: string;
  severity: string;
  certainty: string;
  headline: string;
  description: string;
  instruction: string;
  web: string;
  contact: string;
}

/** A draft as the officer writes it: the area as CAP text (each polygon and circle), times as UTC ISO. */
export interface AlertInput {
  msgType: string;
  status: string;
  scope: string;
  referencesId: number | null;
  areaDescription: string;
  polygons: string[];
  circles: string[];
  onset: string | null;
  expires: string;
  infos: InfoInput[];
}

const oneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
const tooLong = (what: string, text: string, max: number) => (text.length > max ? [`${what} is ${text.length} characters long: keep it to ${max}.`] : []);

function checkInfo(input: InfoInput, problems: string[]): AlertInfo {
  const where = `In ${input.language || 'an information block'}:`;
  const say = (problem: string) => problems.push(`${where} ${problem}`);
  if (!LANGUAGE.test(input.language)) say(`"${input.language.slice(0, 20)}" is not a language code such as en, es or ar.`);
  if (input.categories.length === 0) say('choose at least one category.');
  for (const c of input.categories) if (!oneOf(capCategories, c)) say(`"${c.slice(0, 30)}" is not a CAP category: use one of ${capCategories.join(', ')}.`);
  if (!oneOf(urgencies, input.urgency)) say(`choose the urgency: ${urgencies.join(', ')}.`);
  if (!oneOf(severities, input.severity)) say(`choose the severity: ${severities.join(', ')}.`);
  if (!oneOf(certainties, input.certainty)) say(`choose the certainty: ${certainties.join(', ')}.`);
  const event = input.event.trim(); const headline = input.headline.trim(); const description = input.description.trim();
  const instruction = input.instruction.trim(); const web = input.web.trim(); const contact = input.contact.trim();
  if (!event) say('write the event (what is happening, e.g. "Boil water notice").');
  if (!headline) say('write a headline.');
  if (!description) say('write a description.');
  for (const p of [...tooLong('the event', event, limits.event), ...tooLong('the headline', headline, limits.headline), ...tooLong('the description', description, limits.description),
    ...tooLong('the instruction', instruction, limits.instruction), ...tooLong('the contact', contact, limits.contact), ...tooLong('the web address', web, limits.web)]) say(p);
  if (web && !/^https?:\/\/[^\s]+$/i.test(web)) say('the web address must start with https:// or http://.');
  return {
    language: input.language, categories: [...new Set(input.categories)].filter((c): c is Category => oneOf(capCategories, c)), event,
    urgency: input.urgency as Urgency, severity: input.severity as Severity, certainty: input.certainty as Certainty,
    headline, description, instruction, web: web || null, contact: contact || null,
  };
}

/** Checks every field and returns the draft to store, or throws one DomainError naming every problem. */
export function checkAlert(input: AlertInput, now = nowIso()): store.AlertFields {
  const problems: string[] = [];
  if (!oneOf(msgTypes, input.msgType)) problems.push(`The message type must be one of ${msgTypes.join(', ')}.`);
  if (!oneOf(alertStatuses, input.status)) problems.push(`The status must be one of ${alertStatuses.join(', ')}.`);
  if (!oneOf(scopes, input.scope)) problems.push(`The scope must be one of ${scopes.join(', ')}.`);
  if (input.msgType === 'Alert' && input.referencesId !== null) problems.push('A new alert references nothing: choose Update or Cancel to follow an earlier alert.');
  if ((input.msgType === 'Update' || input.msgType === 'Cancel') && input.referencesId === null) problems.push(`An ${input.msgType} must name the approved alert it follows.`);
  const areaDescription = input.areaDescription.trim();
  if (!areaDescription) problems.push('Describe the area in words (e.g. "Mission District").');
  problems.push(...tooLong('The area description', areaDescription, limits.areaDescription));
  const area: Area = { polygons: [], circles: [] };
  for (const text of input.polygons.filter((p) => p.trim())) {
    // A GeoJSON area pasted whole (as a GIS exports it) stands beside CAP polygons.
    if (looksLikeGeoJson(text)) {
      const read = geoJsonRings(text);
      if ('problem' in read) problems.push(read.problem); else area.polygons.push(...read.rings);
      continue;
    }
    const parsed = parseCapPolygon(text);
    if ('problem' in parsed) problems.push(parsed.problem); else area.polygons.push(parsed.ring);
  }
  for (const text of input.circles.filter((c) => c.trim())) {
    const parsed = parseCapCircle(text);
    if ('problem' in parsed) problems.push(parsed.problem); else area.circles.push(parsed.circle);
  }
  if (input.polygons.every((p) => !p.trim()) && input.circles.every((c) => !c.trim())) problems.push('Give the area: choose a named area, draw it on the map, or type a CAP polygon or circle.');
  const expires = input.expires ? Date.parse(input.expires) : Number.NaN;
  const onset = input.onset ? Date.parse(input.onset) : null;
  if (Number.isNaN(expires)) problems.push('Give the time the alert expires.');
  else if (expires <= Date.parse(now)) problems.push('The expiry time has passed: give a time in the future.');
  if (onset !== null && Number.isNaN(onset)) problems.push('The onset is not a date and time.');
  else if (onset !== null && !Number.isNaN(expires) && expires <= onset) problems.push('The alert must expire after its onset.');
  if (input.infos.length === 0) problems.push('Write the alert in at least one language.');
  else if (!input.infos.some((i) => i.language === 'en')) problems.push('Write the alert in English (other languages are optional).');
  const seen = new Set<string>();
  for (const info of input.infos) {
    if (seen.has(info.language)) problems.push(`The alert is written in ${info.language} twice: keep one.`);
    seen.add(info.language);
  }
  const infos = input.infos.map((info) => checkInfo(info, problems));
  if (problems.length > 0) throw invalid(problems.length === 1 ? problems[0]! : `The alert has ${problems.length} problems.`, problems);
  return {
    msgType: input.msgType as MsgType, status: input.status as AlertStatus, scope: input.scope as Scope, referencesId: input.referencesId,
    areaDescription, area, box: boxOfArea(area)!, onset: onset === null ? null : new Date(onset).toISOString(), expires: new Date(expires).toISOString(), infos,
  };
}

function mayAuthor(actor: AlertActor): void {
  if (!alertRoles.includes(actor.role)) throw forbidden('Only emergency officers and system administrators write and approve alerts.');
}

const auditActor = (actor: AlertActor) => `user:${actor.userId}`;
const summary = (alert: Pick<Alert, 'identifier' | 'msgType' | 'status' | 'scope' | 'referencesId' | 'expires' | 'stage'>) =>
  ({ identifier: alert.identifier, msgType: alert.msgType, status: alert.status, scope: alert.scope, referencesId: alert.referencesId, expires: alert.expires, stage: alert.stage });

/** The alert an Update or Cancel follows must be approved and not already cancelled. */
async function checkReference(db: DB, fields: store.AlertFields, selfId?: number): Promise<void> {
  if (fields.referencesId === null) return;
  const earlier = await store.alertById(db, fields.referencesId);
  const what = fields.msgType === 'Cancel' ? 'cancel' : 'update';
  if (!earlier || earlier.id === selfId) throw invalid(`There is no alert ${fields.referencesId} to ${what}: an ${fields.msgType} must follow an approved alert.`);
  if (earlier.stage !== 'approved') throw invalid(`Alert ${earlier.id} has not been approved, so there is nothing to ${what}: edit or reject that draft instead.`);
  if (earlier.msgType === 'Cancel') throw invalid(`Alert ${earlier.id} is itself a Cancel: ${what} the alert it cancelled instead.`);
  const later = await store.followersOf(db, earlier.id);
  if (later.some((f) => f.stage === 'approved' && f.msg_type === 'Cancel')) throw invalid(`Alert ${earlier.id} has already been cancelled.`);
  const newer = later.find((f) => f.stage === 'approved' && f.msg_type === 'Update' && f.id !== selfId);
  if (newer) throw invalid(`Alert ${earlier.id} has been replaced by its Update ${newer.id}: ${what} that one instead.`);
}

export interface NewAlert { sender: string }

/** Makes a draft. */
export async function draftAlert(db: DB, input: AlertInput, actor: AlertActor, options: NewAlert): Promise<Alert> {
  mayAuthor(actor);
  const fields = checkAlert(input);
  return db.transaction().execute(async (trx) => {
    await checkReference(trx, fields);
    const at = nowIso();
    const identifier = `urn:uuid:${randomUUID()}`;
    const id = await store.insertAlert(trx, { identifier, sender: options.sender, draftedBy: actor.userId, at, fields });
    const alert = (await store.alertById(trx, id))!;
    await appendAudit(trx, { actor: auditActor(actor), action: 'alert.drafted', entityType: 'alert', entityId: String(id), after: summary(alert) });
    return alert;
  });
}

async function draftForChange(trx: DB, id: number): Promise<Alert> {
  const alert = await store.alertForUpdate(trx, id);
  if (!alert) throw notFound(`There is no alert ${id}.`);
  if (alert.stage !== 'draft') throw new DomainError('conflict', `Alert ${id} has already been ${alert.stage}: make an Update or a Cancel instead.`);
  return alert;
}

/** Changes a draft: only its author does, while it is a draft. */
export async function editAlert(db: DB, id: number, input: AlertInput, actor: AlertActor): Promise<Alert> {
  mayAuthor(actor);
  const fields = checkAlert(input);
  return db.transaction().execute(async (trx) => {
    const before = await draftForChange(trx, id);
    if (before.draftedBy !== actor.userId) throw forbidden('Only the officer who drafted this alert can change it: ask them, or reject it and draft another.');
    await checkReference(trx, fields, id);
    await store.updateDraft(trx, id, fields, nowIso());
    const after = (await store.alertById(trx, id))!;
    await appendAudit(trx, { actor: auditActor(actor), action: 'alert.edited', entityType: 'alert', entityId: String(id), before: summary(before), after: summary(after) });
    return after;
  });
}

/** What the approval's change to the cache of current alerts listens to (set by the pages). */
const approvalListeners = new Set<() => void>();
export function onAlertApproved(listener: () => void): () => void {
  approvalListeners.add(listener);
  return () => approvalListeners.delete(listener);
}

/**
 * Approves a draft: a second officer (never its author). The alert is sent now; its fan-out to
 * subscribers and, for a public alert, the live event are written in the same transaction.
 */
export async function approveAlert(db: DB, id: number, actor: AlertActor): Promise<Alert> {
  mayAuthor(actor);
  const approved = await db.transaction().execute(async (trx) => {
    const draft = await draftForChange(trx, id);
    if (draft.draftedBy === actor.userId) throw forbidden('You drafted this alert, so another emergency officer must approve it (the two-person rule).');
    // Checked again: time has passed since the draft, and the alert it follows may have changed.
    const fields = checkAlert(toInput(draft));
    await checkReference(trx, fields, id);
    const at = nowIso();
    await store.setStage(trx, id, { stage: 'approved', approvedBy: actor.userId, sent: at, at });
    const alert = (await store.alertById(trx, id))!;
    await appendAudit(trx, { actor: auditActor(actor), action: 'alert.approved', entityType: 'alert', entityId: String(id), before: summary(draft), after: { ...summary(alert), sent: at, draftedBy: draft.draftedBy } });
    await startAlertFanOut(trx, alert);
    if (isPublic(alert)) await publishEvents(trx, [{ topic: ALERTS_TOPIC, kind: 'alert', data: { id, msgType: alert.msgType } }]);
    return alert;
  });
  for (const listener of approvalListeners) listener();
  // The fan-out starts at once in this process, not at the job's next tick.
  wakeAlertFanOut();
  return approved;
}

/** Rejects a draft, with the reason; its author may also withdraw it this way. */
export async function rejectAlert(db: DB, id: number, reason: string, actor: AlertActor): Promise<Alert> {
  mayAuthor(actor);
  const why = reason.trim();
  if (!why) throw invalid('Say why the alert is rejected, so its author can put it right.');
  if (why.length > 1000) throw invalid('Keep the reason to 1,000 characters.');
  return db.transaction().execute(async (trx) => {
    const draft = await draftForChange(trx, id);
    await store.setStage(trx, id, { stage: 'rejected', approvedBy: null, sent: null, at: nowIso() });
    await appendAudit(trx, { actor: auditActor(actor), action: 'alert.rejected', entityType: 'alert', entityId: String(id), before: summary(draft), after: { stage: 'rejected', reason: why } });
    return (await store.alertById(trx, id))!;
  });
}

/** An alert back as the officer's input (to check again, or to prefill an Update or Cancel). */
export function toInput(alert: Alert): AlertInput {
  return {
    msgType: alert.msgType, status: alert.status, scope: alert.scope, referencesId: alert.referencesId, areaDescription: alert.areaDescription,
    polygons: alert.area.polygons.map((ring) => ring.map((p) => `${p.lat},${p.long}`).join(' ')),
    circles: alert.area.circles.map((c) => `${c.center.lat},${c.center.long} ${c.radiusKm}`),
    onset: alert.onset, expires: alert.expires,
    infos: alert.infos.map((i) => ({ ...i, web: i.web ?? '', contact: i.contact ?? '', categories: [...i.categories] })),
  };
}

export async function findAlert(db: DB, id: number): Promise<Alert> {
  const alert = await store.alertById(db, id);
  if (!alert) throw notFound(`There is no alert ${id}.`);
  return alert;
}

/** Whether an alert may ever be shown to the public: approved, Actual, Public. */
export const isPublic = (alert: Pick<Alert, 'stage' | 'status' | 'scope'>) => alert.stage === 'approved' && alert.status === 'Actual' && alert.scope === 'Public';

/**
 * The public alerts in force: approved Actual Public alerts not expired and not replaced by an
 * approved Update or Cancel, newest first. A Cancel is left out (nothing to warn of) unless
 * `includeCancels` asks for it (feeds tell their readers with it).
 */
export async function currentPublicAlerts(db: DB, options: { includeCancels?: boolean; now?: string } = {}): Promise<Alert[]> {
  const [alerts, replaced] = await Promise.all([
    store.approvedAlertsUntil(db, { status: 'Actual', scope: 'Public', expiresAfter: options.now ?? nowIso() }),
    store.supersededIds(db),
  ]);
  return alerts.filter((a) => !replaced.has(a.id) && (options.includeCancels || a.msgType !== 'Cancel'));
}

/** Approved public alerts, current or not (the archive), newest first. */
export const publicAlertArchive = (db: DB, limit = 200) => store.approvedAlerts(db, { status: 'Actual', scope: 'Public', limit });

/** The alert's words in a language, else English, else its first (one rule for pages and messages). */
export { infoIn } from './texts.js';

/** Whether an alert's area covers a point (matchers made once per alert). */
const matchers = new WeakMap<Alert, (p: LatLong) => boolean>();
export function covers(alert: Alert, p: LatLong): boolean {
  let matcher = matchers.get(alert);
  if (!matcher) matchers.set(alert, (matcher = areaMatcher(alert.area)));
  return matcher(p);
}

export const alertList = (db: DB, limit = 100) => store.recentAlerts(db, limit);
export const alertFollowers = store.followersOf;
export async function alertStageCounts(db: DB): Promise<Record<string, number>> {
  const rows = await store.stageCounts(db);
  return Object.fromEntries(rows.map((r) => [r.stage, Number(r.n)]));
}
