import { sql, type Kysely } from 'kysely';

/**
 * The applicant's journey, finished: a draft may renew a licence (and the application it makes
 * records which), may be started by an officer for a resident at the counter or on the phone
 * (the channel and the officer are kept), and its answers are sealed at rest: the contact's
 * address is found again, for erasure, by a keyed hash only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const add = async (table: string, build: (t: ReturnType<Kysely<unknown>['schema']['alterTable']>) => { execute(): Promise<void> }) => build(db.schema.alterTable(table)).execute();
  await add('application_drafts', (t) => t.addColumn('renews_licence_id', 'integer', (c) => c.references('licences.id').onDelete('set null')));
  await add('application_drafts', (t) => t.addColumn('channel', 'text', (c) => c.notNull().defaultTo('web').check(sql`channel in ('web', 'phone', 'counter')`)));
  /** The officer who started the draft for a resident (assisted digital); null when the applicant did. */
  await add('application_drafts', (t) => t.addColumn('assisted_by', 'integer', (c) => c.references('users.id').onDelete('set null')));
  /** A keyed hash of the applicant's email address once given (for erasure); the address itself is sealed in the answers. */
  await add('application_drafts', (t) => t.addColumn('contact_email_hash', 'text'));
  await add('applications', (t) => t.addColumn('renews_licence_id', 'integer', (c) => c.references('licences.id').onDelete('set null')));
  await add('applications', (t) => t.addColumn('channel', 'text', (c) => c.notNull().defaultTo('web').check(sql`channel in ('web', 'api', 'phone', 'counter')`)));
  await add('applications', (t) => t.addColumn('assisted_by', 'integer', (c) => c.references('users.id').onDelete('set null')));
  await db.schema.createIndex('application_drafts_contact').on('application_drafts').column('contact_email_hash').execute();
  await db.schema.createIndex('application_drafts_assisted').on('application_drafts').columns(['assisted_by', 'updated_at']).execute();
  // Retention: unsent drafts by age.
  await db.schema.createIndex('application_drafts_unsent_age').on('application_drafts').columns(['case_id', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['application_drafts_unsent_age', 'application_drafts_assisted', 'application_drafts_contact']) await db.schema.dropIndex(index).execute();
  for (const column of ['assisted_by', 'channel', 'renews_licence_id']) await db.schema.alterTable('applications').dropColumn(column).execute();
  for (const column of ['contact_email_hash', 'assisted_by', 'channel', 'renews_licence_id']) await db.schema.alterTable('application_drafts').dropColumn(column).execute();
}
