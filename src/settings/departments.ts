/**
 * Departments as administrators change them: name, business calendar, how new cases are
 * assigned (the area they cover is saved by routing/store.ts saveDepartmentArea). The code never
 * changes: staff accounts and services name departments by it. Every change is audited.
 */
import { appendAudit } from '../audit/audit.js';
import type { DB } from '../db/connection.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { nowIso } from '../platform/time.js';

export const assignmentRules = ['none', 'round_robin', 'least_loaded'] as const;
export type AssignmentRule = (typeof assignmentRules)[number];
export const assignmentNames: Record<AssignmentRule, string> = {
  none: 'Nobody: staff take cases from the queue',
  round_robin: 'In turn (round robin) among the department\'s case workers',
  least_loaded: 'To the case worker with the fewest open cases',
};

export const departmentCodePattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export interface Department {
  id: number;
  code: string;
  name: string;
  calendarId: number | null;
  assignment: AssignmentRule;
  /** GeoJSON text, or null: no area. */
  area: string | null;
}

const columns = ['id', 'code', 'name', 'calendar_id', 'assignment', 'area'] as const;
const toDepartment = (row: { id: number; code: string; name: string; calendar_id: number | null; assignment: string; area: string | null }): Department =>
  ({ id: row.id, code: row.code, name: row.name, calendarId: row.calendar_id, assignment: row.assignment as AssignmentRule, area: row.area });

export async function listDepartments(db: DB): Promise<Department[]> {
  return (await db.selectFrom('departments').select(columns).orderBy('name').orderBy('id').execute()).map(toDepartment);
}

export async function getDepartment(db: DB, code: string): Promise<Department> {
  const row = await db.selectFrom('departments').select(columns).where('code', '=', code).executeTakeFirst();
  if (!row) throw notFound(`There is no department "${code}".`);
  return toDepartment(row);
}

export async function departmentById(db: DB, id: number): Promise<Department | null> {
  const row = await db.selectFrom('departments').select(columns).where('id', '=', id).executeTakeFirst();
  return row ? toDepartment(row) : null;
}

export async function createDepartment(db: DB, input: { code: string; name: string }, actor: string): Promise<Department> {
  const code = input.code.trim();
  const name = input.name.trim();
  const problems: string[] = [];
  if (!departmentCodePattern.test(code)) problems.push('A department code is lower-case letters, digits, dashes and underscores, for example highways.');
  if (name === '' || name.length > 200) problems.push('Give the department a name (at most 200 characters).');
  if (problems.length > 0) throw invalid(problems.join(' '), problems);
  await db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst()) throw conflict(`There is already a department with the code "${code}".`);
    const at = nowIso();
    await trx.insertInto('departments').values({ code, name, created_at: at, updated_at: at }).execute();
    await appendAudit(trx, { actor, action: 'department.created', entityType: 'department', entityId: code, after: { code, name } });
  });
  return getDepartment(db, code);
}

export async function updateDepartment(db: DB, code: string, changes: { name: string; calendarId: number | null; assignment: AssignmentRule }, actor: string): Promise<void> {
  const name = changes.name.trim();
  if (name === '' || name.length > 200) throw invalid('Give the department a name (at most 200 characters).');
  if (!assignmentRules.includes(changes.assignment)) throw invalid('Choose how new cases are assigned.');
  await db.transaction().execute(async (trx) => {
    const before = await getDepartment(trx, code);
    if (changes.calendarId !== null && !(await trx.selectFrom('business_calendars').select('id').where('id', '=', changes.calendarId).executeTakeFirst())) throw invalid('Choose a business calendar from the list.');
    await trx.updateTable('departments').set({ name, calendar_id: changes.calendarId, assignment: changes.assignment, updated_at: nowIso() }).where('id', '=', before.id).execute();
    const { area: _area, ...shown } = before;
    await appendAudit(trx, { actor, action: 'department.updated', entityType: 'department', entityId: code, before: shown, after: { ...shown, name, calendarId: changes.calendarId, assignment: changes.assignment } });
  });
}

export interface AreaSummary {
  type: string;
  polygons: number;
  points: number;
  /** [minLat, minLong, maxLat, maxLong] */
  box: [number, number, number, number] | null;
}

/** What the page says about an area without a map: its bounding box and how many points draw it. */
export function areaSummary(area: unknown): AreaSummary {
  const geometry = area as { type?: string; coordinates?: unknown };
  const positions: number[][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node) && node.length >= 2 && typeof node[0] === 'number' && typeof node[1] === 'number') positions.push(node as number[]);
    else if (Array.isArray(node)) node.forEach(walk);
  };
  walk(geometry.coordinates);
  const polygons = geometry.type === 'MultiPolygon' && Array.isArray(geometry.coordinates) ? geometry.coordinates.length : geometry.type === 'Polygon' ? 1 : 0;
  if (positions.length === 0) return { type: geometry.type ?? 'unknown', polygons, points: 0, box: null };
  const longs = positions.map((p) => p[0]!);
  const lats = positions.map((p) => p[1]!);
  return { type: geometry.type ?? 'unknown', polygons, points: positions.length, box: [Math.min(...lats), Math.min(...longs), Math.max(...lats), Math.max(...longs)] };
}
