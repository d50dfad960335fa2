import type { Kysely } from 'kysely';

/**
 * Which provider delivered each outbox message ("smtp", "dev", "http", "console"): a message
 * kept by the development mailbox is marked sent by "dev", and only those are shown in full to
 * a system administrator (nothing real was sent, so nothing real is exposed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('provider', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('provider').execute();
}
