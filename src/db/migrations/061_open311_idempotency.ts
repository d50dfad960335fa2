import type { Kysely } from 'kysely';

/**
 * Open311 clients retry a POST requests when its answer is lost: the key they send with it
 * (an Idempotency-Key header, or the external id attribute the council names) is kept here, per
 * API key, with a fingerprint of what was sent and the answer given, until it expires. Kept in
 * the database so every process answers a retry the same way. Cases get an index on when they
 * were last updated, for GET requests' updated_after and updated_before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('open311_idempotency_keys')
    .addColumn('api_key_id', 'integer', (c) => c.notNull().references('api_keys.id'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('open311_idempotency_keys_pk', ['api_key_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('open311_idempotency_keys_expiry').on('open311_idempotency_keys').column('expires_at').execute();
  await db.schema.createIndex('cases_updated_at').on('cases').columns(['jurisdiction_id', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_updated_at').execute();
  await db.schema.dropTable('open311_idempotency_keys').execute();
}
