import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Consultations and inspections on applications (issue 12, "Review, inspection and decision"):
 * a question one department asks another about an application, with its due date and the reply;
 * an inspection booked on an application (its slot, place and inspector, the invitation's
 * sequence number, bumped on each change) and its result against the service's checklist.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('application_consultations')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
    /** The department asked. */
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('question', 'text', (c) => c.notNull())
    /** A calendar date (YYYY-MM-DD) in the council's time zone. */
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('asked_by', 'text', (c) => c.notNull())
    .addColumn('asked_at', t.timestamp, (c) => c.notNull())
    .addColumn('reply', 'text')
    .addColumn('replied_by', 'text')
    .addColumn('replied_at', t.timestamp)
    .addCheckConstraint('application_consultations_reply', sql`(reply is null) = (replied_at is null)`)
    .execute();
  // A department's open consultations, soonest due first; an application's consultations.
  await db.schema.createIndex('application_consultations_department').on('application_consultations').columns(['department_id', 'replied_at', 'due_on']).execute();
  await db.schema.createIndex('application_consultations_case').on('application_consultations').column('case_id').execute();

  await db.schema.createTable('application_inspections')
    /** A random id: the invitation's UID is made from it, so it stays the same through changes. */
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id'))
    .addColumn('starts_at', t.timestamp, (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull().check(sql`duration_minutes between 5 and 720`))
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('inspector_user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('booked', 'cancelled', 'done')`))
    /** The iCalendar SEQUENCE of the last invitation sent (RFC 5545 3.8.7.4). */
    .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('booked_by', 'text', (c) => c.notNull())
    .addColumn('booked_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('pass', 'fail')`))
    /** JSON: checklist item id -> pass, fail or not_applicable. */
    .addColumn('results', 'text')
    .addColumn('notes', 'text')
    /** JSON array of the ids of the photos (internal files of the case, in media). */
    .addColumn('photos', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('recorded_by', 'text')
    .addColumn('recorded_at', t.timestamp)
    .addCheckConstraint('application_inspections_done', sql`(status = 'done') = (outcome is not null)`)
    .execute();
  await db.schema.createIndex('application_inspections_case').on('application_inspections').column('case_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('application_inspections').execute();
  await db.schema.dropTable('application_consultations').execute();
}
