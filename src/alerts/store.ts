/**
 * The SQL of emergency alerts and their words per language (`alerts`, `alert_infos`, migration
 * 071): nothing else touches these tables.
 */
import type { Selectable } from 'kysely';
import { dialectOf, type DB } from '../db/connection.js';
import type { AlertInfoTable, AlertTable } from '../db/schema.js';
import type { Area, Box } from '../places/geometry.js';
import type { Alert, AlertInfo, AlertStage, AlertStatus, Category, Certainty, MsgType, Scope, Severity, Urgency } from './types.js';

export type AlertRow = Selectable<AlertTable>;
type AlertInfoRow = Selectable<AlertInfoTable>;

/** What a draft holds (everything the officer writes), as stored. */
export interface AlertFields {
  msgType: MsgType;
  status: AlertStatus;
  scope: Scope;
  referencesId: number | null;
  areaDescription: string;
  area: Area;
  box: Box;
  onset: string | null;
  expires: string;
  infos: AlertInfo[];
}

const infoOf = (row: AlertInfoRow): AlertInfo => ({
  language: row.language, categories: JSON.parse(row.categories) as Category[], event: row.event,
  urgency: row.urgency as Urgency, severity: row.severity as Severity, certainty: row.certainty as Certainty,
  headline: row.headline, description: row.description, instruction: row.instruction, web: row.web, contact: row.contact,
});

const alertOf = (row: AlertRow, infos: AlertInfoRow[]): Alert => ({
  id: row.id, identifier: row.identifier, sender: row.sender, msgType: row.msg_type as MsgType, status: row.status as AlertStatus,
  scope: row.scope as Scope, referencesId: row.references_id, areaDescription: row.area_description, area: JSON.parse(row.area) as Area,
  onset: row.onset, expires: row.expires, sent: row.sent, stage: row.stage as AlertStage, draftedBy: row.drafted_by,
  approvedBy: row.approved_by, infos: infos.map(infoOf), createdAt: row.created_at,
});

/** Languages in a stable order: English first, then as written. */
const languageOrder = (a: AlertInfoRow, b: AlertInfoRow) => (a.language === 'en' ? -1 : b.language === 'en' ? 1 : 0);

async function withInfos(db: DB, rows: AlertRow[]): Promise<Alert[]> {
  if (rows.length === 0) return [];
  const infos = await db.selectFrom('alert_infos').selectAll().where('alert_id', 'in', rows.map((r) => r.id)).orderBy('alert_id').orderBy('language').execute();
  const byAlert = new Map<number, AlertInfoRow[]>();
  for (const info of infos) byAlert.set(info.alert_id, [...(byAlert.get(info.alert_id) ?? []), info]);
  return rows.map((row) => alertOf(row, (byAlert.get(row.id) ?? []).sort(languageOrder)));
}

const infoRows = (alertId: number, infos: AlertInfo[]) => infos.map((info) => ({
  alert_id: alertId, language: info.language, categories: JSON.stringify(info.categories), event: info.event, urgency: info.urgency,
  severity: info.severity, certainty: info.certainty, headline: info.headline, description: info.description, instruction: info.instruction,
  web: info.web, contact: info.contact,
}));

const fieldColumns = (fields: AlertFields) => ({
  msg_type: fields.msgType, status: fields.status, scope: fields.scope, references_id: fields.referencesId,
  area_description: fields.areaDescription, area: JSON.stringify(fields.area),
  min_lat: fields.box.minLat, min_long: fields.box.minLong, max_lat: fields.box.maxLat, max_long: fields.box.maxLong,
  onset: fields.onset, expires: fields.expires,
});

export async function insertAlert(trx: DB, row: { identifier: string; sender: string; draftedBy: number; at: string; fields: AlertFields }): Promise<number> {
  const { id } = await trx.insertInto('alerts').values({
    identifier: row.identifier, sender: row.sender, ...fieldColumns(row.fields), sent: null, stage: 'draft',
    drafted_by: row.draftedBy, approved_by: null, created_at: row.at, updated_at: row.at,
  }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('alert_infos').values(infoRows(id, row.fields.infos)).execute();
  return id;
}

export async function updateDraft(trx: DB, id: number, fields: AlertFields, at: string): Promise<void> {
  await trx.updateTable('alerts').set({ ...fieldColumns(fields), updated_at: at }).where('id', '=', id).execute();
  await trx.deleteFrom('alert_infos').where('alert_id', '=', id).execute();
  await trx.insertInto('alert_infos').values(infoRows(id, fields.infos)).execute();
}

export const setStage = (trx: DB, id: number, change: { stage: AlertStage; approvedBy: number | null; sent: string | null; at: string }) =>
  trx.updateTable('alerts').set({ stage: change.stage, approved_by: change.approvedBy, sent: change.sent, updated_at: change.at })
    .where('id', '=', id).execute();

export async function alertById(db: DB, id: number): Promise<Alert | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? (await withInfos(db, [row]))[0] : undefined;
}

/** Locks the row on PostgreSQL (SQLite's write transaction already serialises writers). */
export async function alertForUpdate(trx: DB, id: number): Promise<Alert | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  const row = await trx.selectFrom('alerts').selectAll().where('id', '=', id)
    .$call((q) => (dialectOf(trx) === 'postgres' ? q.forUpdate() : q)).executeTakeFirst();
  return row ? (await withInfos(trx, [row]))[0] : undefined;
}

/** The alerts that follow this one (its Updates and Cancels), approved or not. */
export const followersOf = (db: DB, id: number) =>
  db.selectFrom('alerts').select(['id', 'msg_type', 'stage', 'sent']).where('references_id', '=', id).orderBy('id').execute();

/** The newest alerts first, for the staff list. */
export async function recentAlerts(db: DB, limit: number): Promise<Alert[]> {
  const rows = await db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return withInfos(db, rows);
}

/** Approved alerts of a status and scope not yet expired at `at`, newest first. */
export async function approvedAlertsUntil(db: DB, filter: { status: AlertStatus; scope: Scope; expiresAfter: string }): Promise<Alert[]> {
  const rows = await db.selectFrom('alerts').selectAll().where('stage', '=', 'approved').where('expires', '>', filter.expiresAfter)
    .where('status', '=', filter.status).where('scope', '=', filter.scope).orderBy('sent', 'desc').orderBy('id', 'desc').execute();
  return withInfos(db, rows);
}

/** Approved alerts of a status and scope that have expired at `at` (or been cancelled), newest first, a page at a time. */
export async function approvedAlerts(db: DB, filter: { status: AlertStatus; scope: Scope; limit: number }): Promise<Alert[]> {
  const rows = await db.selectFrom('alerts').selectAll().where('stage', '=', 'approved')
    .where('status', '=', filter.status).where('scope', '=', filter.scope).orderBy('sent', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return withInfos(db, rows);
}

/** Ids of approved alerts that a later approved Update or Cancel replaced. */
export async function supersededIds(db: DB): Promise<Set<number>> {
  const rows = await db.selectFrom('alerts').select('references_id').where('stage', '=', 'approved').where('references_id', 'is not', null).execute();
  return new Set(rows.map((r) => r.references_id!));
}

/** How many alerts are in each stage (the staff list's figures). */
export const stageCounts = (db: DB) => db.selectFrom('alerts').select(['stage', (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy('stage').execute();
