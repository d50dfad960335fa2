import type { Kysely } from 'kysely';

/**
 * Service content in every language the council offers. Each catalogue row keeps its
 * translations beside it as a JSON object keyed by language code ("es", "ar"), holding only the
 * fields that language has; the row's own columns stay the council's default language, so every
 * reader that knows nothing of translations (Open311 without `locale`, staff pages, exports)
 * is unchanged, and a missing field falls back to the default one by one.
 *
 * services:           {"es": {"name", "description", "keywords": [..], "serviceNotice", "agencyResponsible"}}
 * service_groups:     {"es": {"name"}}
 * service_attributes: {"es": {"description", "helpText", "values": {"<key>": "<name>"}}}
 */
const tables = ['services', 'service_groups', 'service_attributes'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of tables) {
    await db.schema.alterTable(table).addColumn('translations', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of tables) await db.schema.alterTable(table).dropColumn('translations').execute();
}
