/**
 * SLA escalation, run every minute as a scheduled job (one process at a time):
 * - a running clock that has used its warning share (warn_due_at passed) warns the department's
 *   supervisors, once;
 * - a running clock past its due time is a breach: the case goes to the department's least-loaded
 *   supervisor, gets an internal note saying why, and the supervisors are emailed, once.
 * Each step is safe to repeat: the case actions carry idempotency keys derived from the clock, and
 * the emails go out in the transaction that sets warned_at / breached_at (only if still unset).
 */
import type { DB } from '../db/connection.js';
import type { CaseChangeDeps } from '../notifications/case-updates.js';
import { queueEmail } from '../notifications/email.js';
import { open } from '../platform/crypto.js';
import { publishEvents, topics } from '../platform/events.js';
import type { ScheduledJob } from '../platform/jobs.js';
import { nowIso } from '../platform/time.js';
import { performCaseAction } from '../cases/actions.js';
import type { WorkflowActor } from '../workflow/types.js';
import { breachNote, slaBreachMessage, slaWarningMessage, type ClockAlert } from './escalation-emails.js';

export interface SlaJobDeps {
  db: DB;
  /** Keys (to open supervisors' addresses and seal the emails) and the sender's name and address. */
  notify: CaseChangeDeps;
  /** The council's time zone, for the times written in emails. */
  timeZone: string;
  log?: { error(obj: object, msg: string): void };
  /** For tests. */
  now?: () => string;
}

export const SLA_JOB_NAME = 'sla-escalation';
const BATCH = 200;

export function slaJobs(deps: SlaJobDeps): ScheduledJob[] {
  return [{ name: SLA_JOB_NAME, everyMs: 60_000, run: () => checkSlaClocks(deps) }];
}

interface DueClock {
  id: number;
  case_id: number;
  kind: 'resolution' | 'statutory';
  due_at: string | null;
  department_id: number | null;
  jurisdiction_id: string;
  assigned_user_id: number | null;
  service_name: string | null;
  service_code: string;
}

function dueClocks(db: DB, which: 'warning' | 'breach', now: string): Promise<DueClock[]> {
  let query = db.selectFrom('case_clocks as c')
    .innerJoin('cases as k', 'k.id', 'c.case_id')
    .leftJoin('services as s', (join) => join.onRef('s.jurisdiction_id', '=', 'k.jurisdiction_id').onRef('s.code', '=', 'k.service_code'))
    .select(['c.id', 'c.case_id', 'c.kind', 'c.due_at', 'k.department_id', 'k.jurisdiction_id', 'k.assigned_user_id', 's.name as service_name', 'k.service_code'])
    .where('c.status', '=', 'running').where('k.status', '=', 'open')
    // Practice cases in the training space (jurisdiction "<id>.training") never escalate to real supervisors.
    .where('k.jurisdiction_id', 'not like', '%.training');
  query = which === 'warning'
    ? query.where('c.warned_at', 'is', null).where('c.warn_due_at', '<=', now)
    : query.where('c.breached_at', 'is', null).where('c.due_at', '<', now);
  return query.orderBy('c.id').limit(BATCH).execute();
}

/** Active supervisors of the department, with their addresses and open cases, fewest first (ties: lowest id). */
async function supervisors(db: DB, deps: SlaJobDeps, departmentId: number | null) {
  if (departmentId === null) return [];
  const rows = await db.selectFrom('users as u')
    .select((eb) => ['u.id', 'u.email', eb.selectFrom('cases as k').select((e) => e.fn.countAll().as('n')).whereRef('k.assigned_user_id', '=', 'u.id').where('k.status', '=', 'open').where('k.jurisdiction_id', 'not like', '%.training').as('open_cases')])
    .where('u.department_id', '=', departmentId).where('u.role', '=', 'supervisor').where('u.status', '=', 'active')
    .orderBy('u.id').execute();
  const people: Array<{ id: number; email: string | null; open: number }> = rows.map((row) => {
    let email: string | null = null;
    try {
      email = open(deps.notify.keyring, 'users.email', row.email);
    } catch (error) {
      // A key no longer held: the person can still be given the case, just not emailed.
      deps.log?.error({ err: error, userId: row.id }, 'SLA: could not open a supervisor\'s email address');
    }
    return { id: row.id, email, open: Number(row.open_cases ?? 0) };
  });
  return people.sort((a, b) => a.open - b.open || a.id - b.id);
}

const alertOf = (clock: DueClock, deps: SlaJobDeps): ClockAlert => ({
  caseId: clock.case_id, serviceName: clock.service_name ?? clock.service_code, clock: clock.kind,
  dueAt: new Date(clock.due_at!).toISOString(), timeZone: deps.timeZone,
});

function slaEvents(clock: DueClock, level: 'warning' | 'breach') {
  const data = { caseId: clock.case_id, clock: clock.kind, level, dueAt: clock.due_at === null ? null : new Date(clock.due_at).toISOString() };
  const events = [{ topic: topics.staffCase(clock.case_id), kind: 'sla', data }];
  if (clock.department_id !== null) events.push({ topic: topics.department(clock.department_id), kind: 'sla', data });
  return events;
}

/** Warns supervisors of clocks near their due time. Returns how many clocks were warned about. */
export async function sendSlaWarnings(deps: SlaJobDeps): Promise<number> {
  const now = deps.now?.() ?? nowIso();
  let warned = 0;
  for (const clock of await dueClocks(deps.db, 'warning', now)) {
    const people = await supervisors(deps.db, deps, clock.department_id);
    await deps.db.transaction().execute(async (trx) => {
      const claimed = await trx.updateTable('case_clocks').set({ warned_at: now }).where('id', '=', clock.id).where('warned_at', 'is', null).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      // Already past due: the breach email says it all.
      if (clock.due_at !== null && Date.parse(clock.due_at) < Date.parse(now)) return;
      for (const person of people) {
        if (person.email === null) continue;
        await queueEmail(trx, deps.notify.keyring, 'sla_warning', slaWarningMessage(person.email, deps.notify, alertOf(clock, deps)), { idempotencyKey: `sla-warning:${clock.id}:${person.id}` });
      }
      await publishEvents(trx, slaEvents(clock, 'warning'));
      warned++;
    });
  }
  return warned;
}

/** Escalates clocks past their due time. Returns how many breaches were handled. */
export async function escalateSlaBreaches(deps: SlaJobDeps): Promise<number> {
  const now = deps.now?.() ?? nowIso();
  let escalated = 0;
  for (const clock of await dueClocks(deps.db, 'breach', now)) {
    const people = await supervisors(deps.db, deps, clock.department_id);
    const actor: WorkflowActor = { id: 'system:sla', userId: null, role: 'system', departmentId: clock.department_id };
    const ctx = { jurisdictionId: clock.jurisdiction_id, timeZone: deps.timeZone, notify: deps.notify };
    const target = people[0];
    let reassigned = false;
    // The case actions first (each idempotent by its key), then the once-only mark and emails:
    // if this process stops half-way, the next run repeats the actions harmlessly.
    if (target) {
      try {
        if (clock.assigned_user_id !== target.id) {
          await performCaseAction(deps.db, ctx, clock.case_id, { kind: 'assign', userId: target.id }, actor, `sla-breach:${clock.id}`);
        }
        reassigned = true;
      } catch (error) {
        deps.log?.error({ err: error, caseId: clock.case_id, clockId: clock.id }, 'SLA breach: could not reassign the case to a supervisor');
      }
    }
    try {
      await performCaseAction(deps.db, ctx, clock.case_id, { kind: 'note', text: breachNote(alertOf(clock, deps), reassigned) }, actor, `sla-breach-note:${clock.id}`);
    } catch (error) {
      deps.log?.error({ err: error, caseId: clock.case_id, clockId: clock.id }, 'SLA breach: could not add the note to the case');
    }
    await deps.db.transaction().execute(async (trx) => {
      const claimed = await trx.updateTable('case_clocks').set({ breached_at: now, warned_at: now }).where('id', '=', clock.id).where('breached_at', 'is', null).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      for (const person of people) {
        if (person.email === null) continue;
        await queueEmail(trx, deps.notify.keyring, 'sla_breach', slaBreachMessage(person.email, deps.notify, alertOf(clock, deps), reassigned), { idempotencyKey: `sla-breach:${clock.id}:${person.id}` });
      }
      await publishEvents(trx, slaEvents(clock, 'breach'));
      escalated++;
    });
  }
  return escalated;
}

/** The every-minute job: warnings, then breaches. */
export async function checkSlaClocks(deps: SlaJobDeps): Promise<{ warned: number; escalated: number }> {
  const warned = await sendSlaWarnings(deps);
  const escalated = await escalateSlaBreaches(deps);
  return { warned, escalated };
}
