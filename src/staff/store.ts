/**
 * The workspace's reads: queues (keyset pages, so page 1,000 costs what page 1 does, and each
 * query follows one of the queue indexes of migration 010), a case with everything its page
 * shows, and the lists its forms offer (people, departments, templates, duplicates nearby).
 */
import { sql, type ExpressionBuilder, type SqlBool, type Expression } from 'kysely';
import type { DB } from '../db/connection.js';
import type { Database } from '../db/schema.js';
import type { Keyring } from '../platform/crypto.js';
import { open } from '../platform/crypto.js';
import { priorities, type Priority, type WorkflowDefinition } from '../workflow/types.js';
import { isId, parseId } from '../platform/ids.js';
import { inDateRange } from '../platform/time.js';

export const queueKinds = ['mine', 'department', 'unassigned', 'due_soon', 'overdue', 'all'] as const;
export type QueueKind = (typeof queueKinds)[number];
export const queueSorts = ['due', 'newest', 'oldest', 'priority'] as const;
export type QueueSort = (typeof queueSorts)[number];

/** "Due soon": the next 24 hours (clock time, not working time: simple to explain, and a night shift sees the same list). */
export const DUE_SOON_MS = 24 * 3_600_000;
export const PAGE_SIZE = 50;

export interface QueueQuery {
  jurisdictionId: string;
  kind: QueueKind;
  /** Whose cases: every department's, or one (null: none at all). */
  scope: { allDepartments: true } | { departmentId: number | null };
  userId: number;
  serviceCode?: string;
  status: 'open' | 'closed';
  priority?: Priority;
  sort: QueueSort;
  q?: string;
  cursor?: string;
  now: string;
  limit?: number;
}

export interface QueueRow {
  id: number;
  serviceCode: string;
  addressString: string | null;
  status: string;
  state: string;
  priority: Priority;
  assignedUserId: number | null;
  departmentId: number | null;
  workflowVersionId: number | null;
  dueAt: string | null;
  requestedAt: string;
}

export interface QueuePage {
  rows: QueueRow[];
  /** The cursor of the next page; null on the last one. */
  next: string | null;
}

type CaseWhere = (eb: ExpressionBuilder<Database, 'cases'>) => Expression<SqlBool>;

/**
 * One phase of an ordering: a filter and the columns it is ordered by. An ordering with NULLs or
 * a ranked column is split into phases (due dates first, then cases with none; urgent first,
 * then high...), so each phase is a plain range on an index and the cursor says where we are.
 */
interface Phase { where: CaseWhere; order: Array<'due_at' | 'id'>; direction: 'asc' | 'desc' }

function phasesOf(sort: QueueSort): Phase[] {
  switch (sort) {
    case 'due': return [
      { where: (eb) => eb('cases.due_at', 'is not', null), order: ['due_at', 'id'], direction: 'asc' },
      { where: (eb) => eb('cases.due_at', 'is', null), order: ['id'], direction: 'asc' },
    ];
    case 'newest': return [{ where: (eb) => eb.lit(true), order: ['id'], direction: 'desc' }];
    case 'oldest': return [{ where: (eb) => eb.lit(true), order: ['id'], direction: 'asc' }];
    case 'priority': return [...priorities].reverse().map((p) => ({ where: (eb: ExpressionBuilder<Database, 'cases'>) => eb('cases.priority', '=', p), order: ['id'] as Array<'id'>, direction: 'asc' as const }));
  }
}

interface Cursor { p: number; k: Array<string | number> }

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** A cursor from a link; anything malformed starts from the first page. */
export function decodeCursor(text: string | undefined): Cursor | null {
  if (!text || text.length > 200) return null;
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (!Number.isInteger(value.p) || value.p < 0 || !Array.isArray(value.k) || value.k.length > 2) return null;
    if (!value.k.every((k) => typeof k === 'number' || (typeof k === 'string' && k.length < 40))) return null;
    return value;
  } catch {
    return null;
  }
}

/** A search for a reference: "123" or "#123". */
export const referenceIn = (q: string): number | null => {
  const match = /^#?\s*(\d{1,15})$/.exec(q.trim());
  return match ? parseId(match[1]) : null;
};

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The filters every phase shares: jurisdiction, scope, the queue itself and the person's filters. */
function queueFilters(query: QueueQuery): CaseWhere[] {
  const filters: CaseWhere[] = [(eb) => eb('cases.jurisdiction_id', '=', query.jurisdictionId)];
  const departmentId = 'departmentId' in query.scope ? query.scope.departmentId : undefined;
  if (departmentId === null) filters.push((eb) => eb.lit(false));
  // A department's "mine" and "not assigned" read cases_queue_department_assignee alone (department, status, assignee, due).
  else if (departmentId !== undefined) filters.push((eb) => eb('cases.department_id', '=', departmentId));
  const status = query.kind === 'due_soon' || query.kind === 'overdue' ? 'open' : query.status;
  // A reference finds its case whether it is open or closed.
  const byReference = query.q ? referenceIn(query.q) !== null : false;
  if (!byReference) filters.push((eb) => eb('cases.status', '=', status));
  switch (query.kind) {
    case 'mine': filters.push((eb) => eb('cases.assigned_user_id', '=', query.userId)); break;
    case 'unassigned': filters.push((eb) => eb('cases.assigned_user_id', 'is', null)); break;
    case 'overdue': filters.push((eb) => eb('cases.due_at', '<=', query.now)); break;
    case 'due_soon': {
      const until = new Date(Date.parse(query.now) + DUE_SOON_MS).toISOString();
      filters.push((eb) => eb.and([eb('cases.due_at', '>', query.now), eb('cases.due_at', '<=', until)]));
      break;
    }
    default: break;
  }
  if (query.serviceCode) filters.push((eb) => eb('cases.service_code', '=', query.serviceCode!));
  if (query.priority) filters.push((eb) => eb('cases.priority', '=', query.priority!));
  const q = query.q?.trim().slice(0, 200);
  if (q) {
    const reference = referenceIn(q);
    // A number is Townhall's reference, or an imported case's reference in the old system.
    if (reference !== null) filters.push((eb) => eb.or([eb('cases.id', '=', reference), eb('cases.external_id', '=', q)]));
    else {
      const pattern = `%${likeEscape(q.toLowerCase())}%`;
      filters.push((eb) => eb.or([
        // An imported case's reference in the old system, exactly (cases_external_id).
        eb('cases.external_id', '=', q),
        sql<SqlBool>`lower(cases.address_string) like ${pattern} escape '\\'`,
        sql<SqlBool>`lower(cases.description) like ${pattern} escape '\\'`,
      ]));
    }
  }
  return filters;
}

const queueColumns = ['id', 'service_code', 'address_string', 'status', 'state', 'priority', 'assigned_user_id', 'department_id', 'workflow_version_id', 'due_at', 'requested_at'] as const;

/** A cursor's keys match the phase's columns ((due_at, id) or id): a hand-made one must not reach the SQL with the wrong types. */
const fitsPhase = (after: Array<string | number>, columns: number): boolean => {
  const id = after[columns - 1];
  if (after.length !== columns || !isId(id)) return false;
  return columns === 1 || (typeof after[0] === 'string' && inDateRange(after[0]));
};

/** The SQL of one phase (exported for EXPLAIN in tests and the bench). */
export function queuePhaseQuery(db: DB, query: QueueQuery, phaseIndex: number, after: Array<string | number> | null, limit: number) {
  const phase = phasesOf(query.sort)[phaseIndex]!;
  let select = db.selectFrom('cases').select([...queueColumns]);
  for (const filter of [...queueFilters(query), phase.where]) select = select.where(filter);
  if (after && fitsPhase(after, phase.order.length)) {
    const op = sql.raw(phase.direction === 'asc' ? '>' : '<');
    // A row comparison, which both databases turn into one index range.
    select = phase.order.length === 2
      ? select.where(sql<SqlBool>`(cases.due_at, cases.id) ${op} (${after[0]}, ${after[1]})`)
      : select.where(sql<SqlBool>`cases.id ${op} ${after[0]}`);
  }
  for (const column of phase.order) select = select.orderBy(`cases.${column}`, phase.direction);
  return select.limit(limit);
}

/** Counts stop here ("1,000 or more"): counting costs what it reads, and a page must cost the same at a million cases. */
export const COUNT_CAP = 1_000;

/** The SQL that counts one queue, up to COUNT_CAP (exported for EXPLAIN in the bench). */
export function countQueryFor(db: DB, query: Omit<QueueQuery, 'sort' | 'cursor' | 'q'>) {
  let inner = db.selectFrom('cases').select('cases.id');
  for (const filter of queueFilters({ ...query, sort: 'due' })) inner = inner.where(filter);
  return db.selectFrom(inner.limit(COUNT_CAP).as('capped')).select((eb) => eb.fn.countAll().as('n'));
}

/** How many cases each queue holds with the person's filters (their search aside), up to COUNT_CAP, for the queue tabs. */
export async function queueCounts(db: DB, query: Omit<QueueQuery, 'kind' | 'sort' | 'cursor' | 'q'>): Promise<Record<QueueKind, number>> {
  const counts = await Promise.all(queueKinds.map(async (kind) => {
    const row = await countQueryFor(db, { ...query, kind }).executeTakeFirst();
    return [kind, Number(row?.n ?? 0)] as const;
  }));
  return Object.fromEntries(counts) as Record<QueueKind, number>;
}

export async function queuePage(db: DB, query: QueueQuery): Promise<QueuePage> {
  const limit = query.limit ?? PAGE_SIZE;
  const phases = phasesOf(query.sort);
  const cursor = decodeCursor(query.cursor);
  let phaseIndex = cursor && cursor.p < phases.length ? cursor.p : 0;
  let after: Array<string | number> | null = cursor && cursor.p < phases.length ? cursor.k : null;
  const rows: QueueRow[] = [];
  let next: string | null = null;
  while (phaseIndex < phases.length) {
    const want = limit - rows.length;
    const found = await queuePhaseQuery(db, query, phaseIndex, after, want + 1).execute();
    const page = found.slice(0, want);
    rows.push(...page.map(toRow));
    if (found.length > want) {
      const last = page[page.length - 1]!;
      const order = phases[phaseIndex]!.order;
      next = encodeCursor({ p: phaseIndex, k: order.map((column) => (column === 'id' ? last.id : last.due_at!)) });
      break;
    }
    phaseIndex += 1;
    after = null;
    if (rows.length === limit) {
      // Full, and this phase ended exactly here: the next page starts with the next phase, if it has anything.
      if (phaseIndex < phases.length) next = encodeCursor({ p: phaseIndex, k: [] });
      break;
    }
  }
  return { rows, next };
}

function toRow(row: { id: number; service_code: string; address_string: string | null; status: string; state: string; priority: string; assigned_user_id: number | null; department_id: number | null; workflow_version_id: number | null; due_at: string | null; requested_at: string }): QueueRow {
  return {
    id: row.id, serviceCode: row.service_code, addressString: row.address_string, status: row.status, state: row.state,
    priority: row.priority as Priority, assignedUserId: row.assigned_user_id, departmentId: row.department_id,
    workflowVersionId: row.workflow_version_id, dueAt: row.due_at === null ? null : new Date(row.due_at).toISOString(), requestedAt: row.requested_at,
  };
}

// ---- Lookups shared by the pages ----

export interface Department { id: number; code: string; name: string }

export async function listDepartments(db: DB): Promise<Department[]> {
  return db.selectFrom('departments').select(['id', 'code', 'name']).orderBy('name').execute();
}

export async function departmentIdOf(db: DB, code: string | null): Promise<number | null> {
  if (!code) return null;
  const row = await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst();
  return row?.id ?? null;
}

export interface StaffMember { id: number; email: string; name: string; role: string; departmentId: number | null }

/** The name shown for a member of staff: their display name, or their email until they choose one. */
const nameOf = (keyring: Keyring, row: { email: string; display_name: string | null }) => row.display_name?.trim() || open(keyring, 'users.email', row.email);

/** People who work cases (active), of one department or of all, by name. */
export async function caseWorkers(db: DB, keyring: Keyring, departmentId: number | null | 'all'): Promise<StaffMember[]> {
  let query = db.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'department_id'])
    .where('status', '=', 'active').where('role', 'in', ['case_worker', 'supervisor', 'department_admin']);
  if (departmentId !== 'all') query = departmentId === null ? query.where(sql<SqlBool>`1 = 0`) : query.where('department_id', '=', departmentId);
  const rows = await query.orderBy('id').execute();
  return rows.map((row) => ({ id: row.id, email: open(keyring, 'users.email', row.email), name: nameOf(keyring, row), role: row.role, departmentId: row.department_id }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Names of these users (for the assignee column and the history), by id: display name, else email. */
export async function userNames(db: DB, keyring: Keyring, ids: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'email', 'display_name']).where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, nameOf(keyring, row)]));
}

type WorkflowVersionRead = { name: string; version: number; definition: WorkflowDefinition };
// Per database, like the other caches: ids are only unique within one database (a process may
// hold several, such as the tests).
const definitionsByDatabase = new WeakMap<DB, Map<number, WorkflowVersionRead>>();

/** Workflow versions by id (published versions never change, so they are kept once read). */
export async function workflowVersions(db: DB, ids: Array<number | null>): Promise<Map<number, WorkflowVersionRead>> {
  const definitions = definitionsByDatabase.get(db) ?? new Map<number, WorkflowVersionRead>();
  definitionsByDatabase.set(db, definitions);
  const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
  const found = new Map(wanted.flatMap((id) => (definitions.has(id) ? [[id, definitions.get(id)!] as const] : [])));
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length === 0) return found;
  const rows = await db.selectFrom('workflow_versions').innerJoin('workflows', 'workflows.id', 'workflow_versions.workflow_id')
    .select(['workflow_versions.id', 'workflow_versions.version', 'workflow_versions.definition', 'workflow_versions.status', 'workflows.name'])
    .where('workflow_versions.id', 'in', missing).execute();
  for (const row of rows) {
    const value = { name: row.name, version: row.version, definition: JSON.parse(row.definition) as WorkflowDefinition };
    found.set(row.id, value);
    if (row.status !== 'draft') definitions.set(row.id, value);
  }
  return found;
}

/** What residents see for a state: its public label, or the plain status for a case without a workflow. */
export function publicLabelOf(definition: WorkflowDefinition | undefined, state: string, status: string): string {
  const found = definition?.states.find((s) => s.code === state);
  return found?.publicLabel ?? (status === 'closed' ? 'Closed' : 'Open');
}

/** What staff call a state ("New", "Investigating"), or the plain status for a case without a workflow. */
export function staffLabelOf(definition: WorkflowDefinition | undefined, state: string, status: string): string {
  const found = definition?.states.find((s) => s.code === state);
  return found?.label ?? (status === 'closed' ? 'Closed' : 'Open');
}

// ---- One case ----

// The case's row and its actions are read through the case module (cases/queries.ts).

export async function caseMedia(db: DB, caseId: number) {
  return db.selectFrom('media').select(['id', 'content_type', 'internal', 'file_name', 'created_at']).where('case_id', '=', caseId).orderBy('created_at').execute();
}

export async function attachment(db: DB, id: string) {
  return db.selectFrom('media').select(['id', 'case_id', 'jurisdiction_id', 'content_type', 'bytes', 'file_name', 'internal']).where('id', '=', id).where('internal', '=', 1).executeTakeFirst();
}

export interface ResponseTemplate { id: number; name: string; body: string }

/** Active templates for a case's department, and those for every department. */
export async function templatesFor(db: DB, jurisdictionId: string, departmentId: number | null): Promise<ResponseTemplate[]> {
  return db.selectFrom('response_templates').select(['id', 'name', 'body'])
    .where('jurisdiction_id', '=', jurisdictionId).where('active', '=', 1)
    .where((eb) => (departmentId === null ? eb('department_id', 'is', null) : eb.or([eb('department_id', 'is', null), eb('department_id', '=', departmentId)])))
    .orderBy('name').execute();
}
