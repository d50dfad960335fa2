import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Client mode (issue 13): chosen services forward their new cases to an outside Open311
 * GeoReport v2 back office, and its updates are fetched back into the case.
 *
 * - service_forwarding: per service, where its cases go (the back office's name, endpoint,
 *   jurisdiction_id, its service_code for this service) and the back office's API key, sealed.
 *   A setting read by every submission, so its changes bump the settings generation (018).
 * - case_forwards: per forwarded case, the back office's id for it (service_request_id, or the
 *   token until the id is known), when it was sent and when its updates were last fetched.
 * - forwarding_cursors: per back office endpoint, whether it answers servicerequestupdates and
 *   up to when its updates were fetched.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('service_forwarding')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('back_office', 'text', (c) => c.notNull())
    .addColumn('endpoint_url', 'text', (c) => c.notNull())
    .addColumn('remote_jurisdiction_id', 'text')
    .addColumn('remote_service_code', 'text', (c) => c.notNull())
    .addColumn('api_key_sealed', 'text')
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('service_forwarding_pk', ['jurisdiction_id', 'service_code'])
    .execute();

  await db.schema.createTable('case_forwards')
    .addColumn('case_id', 'integer', (c) => c.primaryKey().references('cases.id').onDelete('cascade'))
    .addColumn('back_office', 'text', (c) => c.notNull())
    .addColumn('endpoint_url', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('token', 'text')
    .addColumn('sent_at', t.timestamp, (c) => c.notNull())
    .addColumn('remote_updated_at', 'text')
    .addColumn('last_fetched_at', t.timestamp)
    .addColumn('last_fetch_error', 'text')
    .execute();
  await db.schema.createIndex('case_forwards_external').on('case_forwards').columns(['endpoint_url', 'external_id']).execute();

  await db.schema.createTable('forwarding_cursors')
    .addColumn('endpoint_url', 'text', (c) => c.primaryKey())
    .addColumn('updates_supported', 'integer', (c) => c.check(sql`updates_supported in (0, 1)`))
    .addColumn('fetched_to', t.timestamp)
    .execute();

  if (t.postgres) {
    await sql`create trigger service_forwarding_settings_changed after insert or update or delete or truncate on service_forwarding
      for each statement execute function townhall_settings_changed()`.execute(db);
  } else {
    for (const event of ['insert', 'update', 'delete']) {
      await sql`create trigger ${sql.id(`service_forwarding_settings_${event}`)} after ${sql.raw(event)} on service_forwarding
        begin update settings_generation set generation = random() % 9007199254740991 where id = 1; end`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('forwarding_cursors').execute();
  await db.schema.dropTable('case_forwards').execute();
  await db.schema.dropTable('service_forwarding').execute();
}
