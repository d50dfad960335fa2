import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * The staff workspace and workflow engine: versioned workflows per service, who works each case
 * (department, person, priority), SLA clocks on business calendars, routing rules, department
 * areas, response templates, scheduled jobs that run once across processes, and the training
 * space's progress.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .createTable('business_calendars')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    /** JSON array of {day: 1 (Monday)..7, start: "09:00", end: "17:00"}. */
    .addColumn('working_hours', 'text', (c) => c.notNull())
    /** JSON array of "YYYY-MM-DD" local dates with no working hours. */
    .addColumn('holidays', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('departments').addColumn('calendar_id', 'integer', (c) => c.references('business_calendars.id')).execute();
  /** GeoJSON Polygon or MultiPolygon (WGS 84) of the area the department covers; null: none. */
  await db.schema.alterTable('departments').addColumn('area', 'text').execute();
  await db.schema.alterTable('departments').addColumn('assignment', 'text', (c) => c.notNull().defaultTo('none').check(sql`assignment in ('none', 'round_robin', 'least_loaded')`)).execute();
  await db.schema.alterTable('departments').addColumn('updated_at', t.timestamp).execute();

  await db.schema
    .createTable('workflows')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('workflows_code', ['jurisdiction_id', 'code'])
    .execute();
  await db.schema
    .createTable('workflow_versions')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('workflow_id', 'integer', (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    /** JSON WorkflowDefinition (src/workflow/types.ts). */
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'published', 'retired')`))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('published_at', t.timestamp)
    .addUniqueConstraint('workflow_versions_number', ['workflow_id', 'version'])
    .execute();
  /** The workflow a service's new cases start on; null: the jurisdiction's "standard" workflow. */
  await db.schema.alterTable('services').addColumn('workflow_code', 'text').execute();

  // Who works the case, how urgent it is, which workflow version it keeps, and its SLA clock's due time (for queues).
  await db.schema.alterTable('cases').addColumn('department_id', 'integer', (c) => c.references('departments.id')).execute();
  await db.schema.alterTable('cases').addColumn('assigned_user_id', 'integer', (c) => c.references('users.id')).execute();
  await db.schema.alterTable('cases').addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal').check(sql`priority in ('low', 'normal', 'high', 'urgent')`)).execute();
  await db.schema.alterTable('cases').addColumn('workflow_version_id', 'integer', (c) => c.references('workflow_versions.id')).execute();
  await db.schema.alterTable('cases').addColumn('due_at', t.timestamp).execute();
  await db.schema.alterTable('cases').addColumn('merged_into', 'integer', (c) => c.references('cases.id')).execute();
  await db.schema.createIndex('cases_queue_department').on('cases').columns(['jurisdiction_id', 'department_id', 'status', 'due_at', 'id']).execute();
  await db.schema.createIndex('cases_queue_assignee').on('cases').columns(['assigned_user_id', 'status', 'due_at', 'id']).execute();
  await db.schema.createIndex('cases_queue_due').on('cases').columns(['jurisdiction_id', 'status', 'due_at', 'id']).execute();

  await db.schema
    .createTable('case_clocks')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    /** "resolution" (the service's SLA) or "statutory" (a deadline set by law, suspendable). */
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('resolution', 'statutory')`))
    .addColumn('calendar_id', 'integer', (c) => c.references('business_calendars.id'))
    .addColumn('target_minutes', 'integer', (c) => c.notNull().check(sql`target_minutes > 0`))
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    /** When the clock runs out, counting working time only; null while suspended. */
    .addColumn('due_at', t.timestamp)
    /** Working minutes used before the current suspension (set when suspended). */
    .addColumn('used_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extended_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('suspended_at', t.timestamp)
    .addColumn('stopped_at', t.timestamp)
    .addColumn('warned_at', t.timestamp)
    .addColumn('breached_at', t.timestamp)
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'suspended', 'stopped')`))
    .execute();
  await db.schema.createIndex('case_clocks_case').on('case_clocks').columns(['case_id', 'kind']).execute();
  await db.schema.createIndex('case_clocks_due').on('case_clocks').columns(['status', 'due_at']).execute();

  await db.schema
    .createTable('routing_rules')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    /** Lower first. */
    .addColumn('position', 'integer', (c) => c.notNull())
    /** null: any service. */
    .addColumn('service_code', 'text')
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id').onDelete('cascade'))
    /** 1: only when the case's location lies inside the department's area. */
    .addColumn('within_area', 'integer', (c) => c.notNull().defaultTo(0).check(sql`within_area in (0, 1)`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('response_templates')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    /** null: for every department. */
    .addColumn('department_id', 'integer', (c) => c.references('departments.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    /** Text with {placeholders}: {reference}, {service}, {address}, {expected_date}, {council}. */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1).check(sql`active in (0, 1)`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text')
    .addColumn('lease_until', t.timestamp)
    .addColumn('last_started_at', t.timestamp)
    .addColumn('last_finished_at', t.timestamp)
    .addColumn('last_error', 'text')
    .execute();

  await db.schema
    .createTable('training_progress')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('done_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('training_progress_pk', ['user_id', 'task'])
    .execute();

  // Attachments staff add to a case: internal ones are never served to the public.
  await db.schema.alterTable('media').addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('media').addColumn('file_name', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['training_progress', 'job_leases', 'response_templates', 'routing_rules', 'case_clocks']) await db.schema.dropTable(table).execute();
  for (const index of ['cases_queue_department', 'cases_queue_assignee', 'cases_queue_due']) await db.schema.dropIndex(index).execute();
  for (const column of ['merged_into', 'due_at', 'workflow_version_id', 'priority', 'assigned_user_id', 'department_id']) await db.schema.alterTable('cases').dropColumn(column).execute();
  await db.schema.alterTable('services').dropColumn('workflow_code').execute();
  for (const table of ['workflow_versions', 'workflows']) await db.schema.dropTable(table).execute();
  for (const column of ['updated_at', 'assignment', 'area', 'calendar_id']) await db.schema.alterTable('departments').dropColumn(column).execute();
  await db.schema.alterTable('media').dropColumn('file_name').execute();
  await db.schema.alterTable('media').dropColumn('internal').execute();
  await db.schema.dropTable('business_calendars').execute();
}
