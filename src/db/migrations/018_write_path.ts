import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * A faster write path.
 *
 * Indexes that let each submission and action read only its own case's rows, so their cost does
 * not grow with the number of open cases in the city:
 * - a case's running clocks (the earliest due time, kept on cases.due_at), which the planner
 *   otherwise reads through case_clocks_due, i.e. every running clock in the city;
 * - a person's latest case (round-robin assignment), which otherwise counts every case they hold;
 * - a department's staff (assignment), which otherwise reads every account, residents' included;
 * - a council's routing rules in order.
 *
 * A settings generation: one number that grows with every change to the settings that each
 * submission reads (services and their questions, workflows, routing, departments, calendars,
 * message templates), bumped by triggers so no writer can forget it. Each process keeps those
 * settings in memory and reads this one number to know whether they are still current, so a
 * change made by any process (or the CLI) is seen by every other at once. The number is drawn at
 * random rather than counted, so a change rolled back never leaves behind a number that a later
 * change would reuse (settings read inside that change's transaction could otherwise pass for current).
 */
export const settingsTables = [
  'services', 'service_attributes', 'service_groups', 'workflows', 'workflow_versions', 'routing_rules',
  'departments', 'business_calendars', 'message_templates',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const { postgres } = columnTypes(db);
  await db.schema.createIndex('case_clocks_case_running').on('case_clocks').columns(['case_id', 'status', 'due_at']).execute();
  await db.schema.createIndex('cases_assignee_latest').on('cases').columns(['assigned_user_id', 'id']).execute();
  await db.schema.createIndex('users_department').on('users').columns(['department_id', 'status']).execute();
  await db.schema.createIndex('routing_rules_order').on('routing_rules').columns(['jurisdiction_id', 'position', 'id']).execute();

  await db.schema.createTable('settings_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('generation', postgres ? 'bigint' : 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into settings_generation (id, generation) values (1, 1)`.execute(db);
  if (postgres) {
    await sql`create function townhall_settings_changed() returns trigger language plpgsql as $$
      begin update settings_generation set generation = floor(random() * 9007199254740991)::bigint where id = 1; return null; end $$`.execute(db);
    for (const table of settingsTables) {
      await sql`create trigger ${sql.id(`${table}_settings_changed`)} after insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function townhall_settings_changed()`.execute(db);
    }
  } else {
    for (const table of settingsTables) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql`create trigger ${sql.id(`${table}_settings_${event}`)} after ${sql.raw(event)} on ${sql.table(table)}
          begin update settings_generation set generation = random() % 9007199254740991 where id = 1; end`.execute(db);
      }
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const { postgres } = columnTypes(db);
  for (const table of settingsTables) {
    if (postgres) await sql`drop trigger if exists ${sql.id(`${table}_settings_changed`)} on ${sql.table(table)}`.execute(db);
    else for (const event of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.id(`${table}_settings_${event}`)}`.execute(db);
  }
  if (postgres) await sql`drop function if exists townhall_settings_changed()`.execute(db);
  await db.schema.dropTable('settings_generation').execute();
  await db.schema.dropIndex('routing_rules_order').execute();
  await db.schema.dropIndex('users_department').execute();
  await db.schema.dropIndex('cases_assignee_latest').execute();
  await db.schema.dropIndex('case_clocks_case_running').execute();
}
