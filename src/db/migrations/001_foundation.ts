import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .createTable('service_groups')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('service_groups_pk', ['jurisdiction_id', 'code'])
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('group_code', 'text', (c) => c.notNull())
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('realtime', 'batch', 'blackbox')`))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1).check(sql`active in (0, 1)`))
    .addColumn('agency_responsible', 'text')
    .addColumn('service_notice', 'text')
    .addColumn('expected_days', 'integer', (c) => c.check(sql`expected_days >= 0`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('services_pk', ['jurisdiction_id', 'code'])
    .addForeignKeyConstraint('services_group_fk', ['jurisdiction_id', 'group_code'], 'service_groups', ['jurisdiction_id', 'code'])
    .execute();

  await db.schema
    .createTable('service_attributes')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('datatype', 'text', (c) =>
      c.notNull().check(sql`datatype in ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')`))
    .addColumn('variable', 'integer', (c) => c.notNull().defaultTo(1).check(sql`variable in (0, 1)`))
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0).check(sql`required in (0, 1)`))
    .addColumn('sort_order', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('help_text', 'text')
    .addColumn('allowed_values', 'text', (c) => c.notNull().defaultTo('[]'))
    .addPrimaryKeyConstraint('service_attributes_pk', ['jurisdiction_id', 'service_code', 'code'])
    .addForeignKeyConstraint('service_attributes_service_fk', ['jurisdiction_id', 'service_code'], 'services', ['jurisdiction_id', 'code'], (fk) => fk.onDelete('cascade'))
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('revoked_at', t.timestamp)
    .addColumn('last_used_at', t.timestamp)
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('service_request')`))
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.check(sql`length(description) <= 4000`))
    .addColumn('lat', t.double, (c) => c.check(sql`lat between -90 and 90`))
    .addColumn('long', t.double, (c) => c.check(sql`long between -180 and 180`))
    .addColumn('address_string', 'text')
    .addColumn('address_id', 'text')
    .addColumn('zipcode', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('media_urls', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'closed')`))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status_notes', 'text')
    .addColumn('agency_responsible', 'text')
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('web', 'api', 'phone', 'counter')`))
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('requested_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('expected_at', t.timestamp)
    .addColumn('closed_at', t.timestamp)
    .addColumn('api_key_id', 'integer', (c) => c.references('api_keys.id'))
    .addForeignKeyConstraint('cases_service_fk', ['jurisdiction_id', 'service_code'], 'services', ['jurisdiction_id', 'code'])
    .addCheckConstraint('cases_located', sql`(lat is not null and long is not null) or address_string is not null or address_id is not null`)
    .addCheckConstraint('cases_closed_time', sql`(status = 'closed') = (closed_at is not null)`)
    .execute();
  await db.schema.createIndex('cases_requested_at').on('cases').columns(['jurisdiction_id', 'requested_at']).execute();
  await db.schema.createIndex('cases_service_status').on('cases').columns(['jurisdiction_id', 'service_code', 'status']).execute();

  await db.schema
    .createTable('case_reporters')
    .addColumn('case_id', 'integer', (c) => c.primaryKey().references('cases.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('phone', 'text')
    .addColumn('device_id', 'text')
    .addColumn('account_id', 'text')
    .execute();

  await db.schema
    .createTable('case_actions')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('status', 'text', (c) => c.check(sql`status in ('open', 'closed')`))
    .addColumn('state', 'text')
    .addColumn('description', 'text')
    .addColumn('media_url', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(1).check(sql`public in (0, 1)`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_actions_case').on('case_actions').columns(['case_id', 'id']).execute();
  await db.schema.createIndex('case_actions_created_at').on('case_actions').columns(['created_at']).execute();
  // An outside system's update id (or a client's retry key) is applied once, whatever the case.
  await db.schema.createIndex('case_actions_idempotency').on('case_actions').columns(['idempotency_key']).unique().execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_type', 'entity_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'case_actions', 'case_reporters', 'cases', 'api_keys', 'service_attributes', 'services', 'service_groups']) {
    await db.schema.dropTable(table).execute();
  }
}
