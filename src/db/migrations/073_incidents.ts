import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Incidents (issue 15): a third kind of case, 'incident', with what only an incident has:
 *
 * - incidents: its title, its area (a CAP area as JSON, with the box around it for prefilters)
 *   and the services whose new reports are suggested for linking; the closing summary.
 * - incident_tasks: work given to a department, with an owner, a due time and a status.
 * - incident_links: residents' reports linked to the incident.
 * - surge_flags: unusual numbers of new reports of one service in one area, found by the surge
 *   job, until an officer opens an incident from one or dismisses it.
 */
const KIND_OLD = `kind in ('service_request', 'application')`;
const KIND_NEW = `kind in ('service_request', 'application', 'incident')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await widenKind(db, t.postgres, KIND_OLD, KIND_NEW);
  await db.schema.createTable('incidents')
    .addColumn('case_id', 'integer', (c) => c.primaryKey().references('cases.id').onDelete('cascade'))
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('area', 'text', (c) => c.notNull())
    .addColumn('area_description', 'text', (c) => c.notNull())
    .addColumn('min_lat', t.double, (c) => c.notNull())
    .addColumn('min_long', t.double, (c) => c.notNull())
    .addColumn('max_lat', t.double, (c) => c.notNull())
    .addColumn('max_long', t.double, (c) => c.notNull())
    .addColumn('service_codes', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .execute();
  await db.schema.createIndex('incidents_jurisdiction').on('incidents').columns(['jurisdiction_id', 'case_id']).execute();
  await db.schema.createTable('incident_tasks')
    .addColumn('id', 'integer', (c) => t.serialId(c))
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('due_at', t.timestamp)
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'done', 'cancelled')`))
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_tasks_case').on('incident_tasks').columns(['case_id', 'id']).execute();
  await db.schema.createIndex('incident_tasks_department').on('incident_tasks').columns(['department_id', 'status']).execute();
  await db.schema.createTable('incident_links')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('report_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('linked_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('linked_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_links_pk', ['case_id', 'report_id'])
    .execute();
  await db.schema.createIndex('incident_links_report').on('incident_links').column('report_id').execute();
  await db.schema.createTable('surge_flags')
    .addColumn('id', 'integer', (c) => t.serialId(c))
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('area_name', 'text', (c) => c.notNull())
    .addColumn('window_start', t.timestamp, (c) => c.notNull())
    .addColumn('window_end', t.timestamp, (c) => c.notNull())
    .addColumn('reports', 'integer', (c) => c.notNull())
    .addColumn('expected', t.double, (c) => c.notNull())
    /** JSON array of the reports' case ids, for linking them when an incident is opened. */
    .addColumn('report_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('new', 'opened', 'dismissed')`))
    .addColumn('incident_case_id', 'integer', (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('surge_flags_place').on('surge_flags').columns(['jurisdiction_id', 'service_code', 'area_name', 'window_end']).execute();
  await db.schema.createIndex('surge_flags_status').on('surge_flags').columns(['jurisdiction_id', 'status', 'id']).execute();
}

/**
 * Widens the kind constraint. PostgreSQL changes it in place; SQLite cannot change a CHECK
 * constraint, so the table is rebuilt (foreign keys off, copy, drop, rename, indexes again,
 * foreign keys checked) in one transaction, as migration 030 did.
 */
async function widenKind(db: Kysely<unknown>, postgres: boolean, from: string, to: string): Promise<void> {
  if (postgres) {
    await sql`alter table cases drop constraint cases_kind_check`.execute(db);
    await sql`alter table cases add constraint cases_kind_check check (${sql.raw(to)})`.execute(db);
    return;
  }
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      const schema = await sql<{ type: string; name: string; sql: string | null }>`select type, name, sql from sqlite_schema where tbl_name = 'cases'`.execute(trx);
      const table = schema.rows.find((row) => row.type === 'table');
      if (!table?.sql?.includes(from)) throw new Error('The cases table does not have the kind constraint this migration changes.');
      const rebuilt = table.sql.replace(from, to).replace(/^CREATE TABLE "?cases"?/i, 'CREATE TABLE "cases_rebuilt"');
      await sql.raw(rebuilt).execute(trx);
      await sql`insert into cases_rebuilt select * from cases`.execute(trx);
      await sql`drop table cases`.execute(trx);
      await sql`alter table cases_rebuilt rename to cases`.execute(trx);
      for (const index of schema.rows) if (index.type === 'index' && index.sql) await sql.raw(index.sql).execute(trx);
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error('Rebuilding the cases table broke a foreign key; nothing was changed.');
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['surge_flags', 'incident_links', 'incident_tasks', 'incidents']) await db.schema.dropTable(table).execute();
  await sql`delete from cases where kind = 'incident'`.execute(db);
  await widenKind(db, columnTypes(db).postgres, KIND_NEW, KIND_OLD);
}
