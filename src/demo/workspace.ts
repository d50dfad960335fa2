/**
 * The demo's staff workspace: a department for each agency on one working-week calendar, a few
 * response templates, and the open cases of the history routed to their departments with
 * workflow versions and SLA clocks, so the queues look like a real council's (some overdue,
 * some due soon, some in time).
 */
import type { Config } from '../config.js';
import type { DB } from '../db/connection.js';
import { nowIso } from '../platform/time.js';
import { startCaseWorkflow } from '../cases/lifecycle.js';
import { openCasesWithoutWorkflow } from '../cases/queries.js';
import type { Priority } from '../workflow/types.js';
import { demoDepartments } from './catalogue-data.js';

/** How each demo department hands out new cases (the rest leave them for staff to take). */
const assignment: Record<string, 'round_robin' | 'least_loaded'> = { 'public-works': 'round_robin', parks: 'least_loaded' };

export const demoTemplates = [
  {
    name: 'Acknowledge: we are looking into it',
    body: 'Thank you for your report {reference} about {service} at {address}. Our team is looking into it and expects to deal with it by {expected_date}. {council}',
  },
  {
    name: 'Work scheduled',
    body: 'The work for your report {reference} ({service}, {address}) is scheduled. We expect it to be done by {expected_date}. {council}',
  },
  {
    name: 'Fixed',
    body: 'We have fixed the problem you reported ({reference}, {service} at {address}). Thank you for telling us. {council}',
  },
  {
    name: 'Not the council\'s responsibility',
    body: 'The problem you reported ({reference} at {address}) is not the council\'s responsibility, so we have passed the details to the owner where we could. {council}',
  },
];

/** Monday to Friday 09:00 to 17:00, and the usual public holidays of this year and next. */
function defaultCalendar(timeZone: string, now: Date) {
  const years = [now.getUTCFullYear(), now.getUTCFullYear() + 1];
  const holidays = years.flatMap((year) => [`${year}-01-01`, `${year}-05-01`, `${year}-12-25`, `${year}-12-26`]);
  return {
    code: 'default', name: 'Office hours (Monday to Friday, 09:00 to 17:00)', time_zone: timeZone,
    working_hours: JSON.stringify([1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' }))),
    holidays: JSON.stringify(holidays),
  };
}

/** Departments (named after their agencies) on the default calendar. Run before staff accounts, which join them by code. */
export async function seedDemoDepartments(db: DB, config: Config, now = new Date()): Promise<void> {
  const at = nowIso();
  const calendar = await db.insertInto('business_calendars').values({ ...defaultCalendar(config.jurisdiction.timeZone, now), created_at: at, updated_at: at })
    .onConflict((oc) => oc.column('code').doNothing()).returning('id').executeTakeFirst()
    ?? await db.selectFrom('business_calendars').select('id').where('code', '=', 'default').executeTakeFirstOrThrow();
  for (const [name, code] of Object.entries(demoDepartments)) {
    const values = { name, calendar_id: calendar.id, assignment: assignment[code] ?? 'none' as const, updated_at: at };
    const existing = await db.selectFrom('departments').select('id').where('code', '=', code).executeTakeFirst();
    if (existing) await db.updateTable('departments').set(values).where('id', '=', existing.id).execute();
    else await db.insertInto('departments').values({ code, created_at: at, ...values }).execute();
  }
  for (const template of demoTemplates) {
    await db.insertInto('response_templates').values({ jurisdiction_id: config.jurisdiction.id, department_id: null, ...template, created_at: at, updated_at: at }).execute();
  }
}

/** A spread of priorities that stays the same for the same case. */
const priorityOf = (id: number): Priority => (id % 23 === 0 ? 'urgent' : id % 7 === 0 ? 'high' : id % 5 === 0 ? 'low' : 'normal');

/** Routes the history's open cases, starting their clocks from when they were reported. Returns how many. */
export async function routeDemoOpenCases(db: DB, config: Config): Promise<number> {
  const ctx = { jurisdictionId: config.jurisdiction.id, timeZone: config.jurisdiction.timeZone };
  return db.transaction().execute(async (trx) => {
    const open = await openCasesWithoutWorkflow(trx, ctx.jurisdictionId);
    for (const id of open) {
      const priority = priorityOf(id);
      await startCaseWorkflow(trx, ctx, id, priority !== 'normal' ? { priority } : {});
    }
    // The history's deadlines that passed before today count as already warned and breached:
    // escalating a year of old cases on the first start would bury the demo's supervisors in emails.
    const now = new Date().toISOString();
    await trx.updateTable('case_clocks').set((eb) => ({ warned_at: eb.ref('warn_due_at') })).where('warn_due_at', '<=', now).where('warned_at', 'is', null).execute();
    await trx.updateTable('case_clocks').set((eb) => ({ breached_at: eb.ref('due_at') })).where('due_at', '<', now).where('breached_at', 'is', null).execute();
    return open.length;
  });
}
