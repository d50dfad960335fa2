import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Permit and licence applications (issue 12): a case of a second kind, 'application', which
 * need not have a place (a taxi driver's licence has none); the versioned forms councils define
 * for application services; drafts a resident saves and comes back to; the application's own
 * record beside its case (the form version, the answers, the fee as calculated); documents;
 * payments, which succeed at most once per application.
 */
const KIND_OLD = `kind in ('service_request')`;
const KIND_NEW = `kind in ('service_request', 'application')`;
const LOCATED_OLD = `(lat is not null and long is not null) or address_string is not null or address_id is not null`;
const LOCATED_NEW = `kind = 'application' or (lat is not null and long is not null) or address_string is not null or address_id is not null`;

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await widenCases(db, t.postgres, true);

  await db.schema
    .createTable('application_forms')
    .addColumn('id', 'integer', t.serialId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    /** JSON: the whole definition (start page, eligibility, pages, fees, translations), checked by applications/definition.ts. */
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('published_at', t.timestamp, (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('application_forms_service_fk', ['jurisdiction_id', 'service_code'], 'services', ['jurisdiction_id', 'code'])
    .addUniqueConstraint('application_forms_version', ['jurisdiction_id', 'service_code', 'version'])
    .execute();

  await db.schema
    .createTable('application_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('form_id', 'integer', (c) => c.notNull().references('application_forms.id'))
    /** A signed-in applicant's draft; null for a guest, who comes back through an emailed link. */
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('answers', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
    /** The emailed link's token, hashed; single use: a new one replaces it, using it clears it. */
    .addColumn('resume_token_hash', 'text', (c) => c.unique())
    .addColumn('resume_expires_at', t.timestamp)
    .addColumn('case_id', 'integer', (c) => c.references('cases.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('application_drafts_user').on('application_drafts').columns(['user_id', 'updated_at']).execute();

  await db.schema
    .createTable('applications')
    .addColumn('case_id', 'integer', (c) => c.primaryKey().references('cases.id').onDelete('cascade'))
    .addColumn('form_id', 'integer', (c) => c.notNull().references('application_forms.id'))
    .addColumn('draft_id', 'text', (c) => c.notNull().unique())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    /** The fee as calculated when the application was made: later schedules never change it. */
    .addColumn('fee_pence', 'integer', (c) => c.notNull().check(sql`fee_pence >= 0`))
    .addColumn('fee_lines', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('payment_state', 'text', (c) => c.notNull().check(sql`payment_state in ('not_due', 'due', 'paid')`))
    .addColumn('refunded_pence', 'integer', (c) => c.notNull().defaultTo(0).check(sql`refunded_pence >= 0`))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    /** The decision: approved (with conditions and validity dates) or refused (with reasons), by whom and when. */
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('approved', 'refused')`))
    .addColumn('decision_text', 'text')
    .addColumn('valid_from', 'text')
    .addColumn('valid_until', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', t.timestamp)
    .addCheckConstraint('applications_refund_within_fee', sql`refunded_pence <= fee_pence`)
    .execute();
  await db.schema.createIndex('applications_user').on('applications').columns(['user_id', 'case_id']).execute();

  await db.schema
    .createTable('application_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('draft_id', 'text', (c) => c.notNull().references('application_drafts.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('application_documents_draft').on('application_documents').columns(['draft_id', 'field']).execute();

  await db.schema
    .createTable('application_payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_payment_id', 'text')
    .addColumn('amount_pence', 'integer', (c) => c.notNull().check(sql`amount_pence > 0`))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('created', 'success', 'failed', 'cancelled')`))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('online', 'counter')`))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('finished_at', t.timestamp)
    .addUniqueConstraint('application_payments_provider_id', ['provider', 'provider_payment_id'])
    .execute();
  // An application is paid once, whatever returns and callbacks arrive.
  await db.schema.createIndex('application_payments_one_success').on('application_payments').column('case_id').unique().where(sql.ref('state'), '=', 'success').execute();
}

/**
 * Widens the two cases constraints an application does not meet. PostgreSQL changes them in
 * place. SQLite cannot change a CHECK constraint, so the table is rebuilt as its documentation
 * describes (foreign keys off, copy, drop, rename, indexes again, foreign keys checked), in one
 * transaction.
 */
async function widenCases(db: Kysely<unknown>, postgres: boolean, widen: boolean): Promise<void> {
  const [kindFrom, kindTo, locatedFrom, locatedTo] = widen ? [KIND_OLD, KIND_NEW, LOCATED_OLD, LOCATED_NEW] : [KIND_NEW, KIND_OLD, LOCATED_NEW, LOCATED_OLD];
  if (postgres) {
    await sql`alter table cases drop constraint cases_kind_check`.execute(db);
    await sql`alter table cases add constraint cases_kind_check check (${sql.raw(kindTo)})`.execute(db);
    await sql`alter table cases drop constraint cases_located`.execute(db);
    await sql`alter table cases add constraint cases_located check (${sql.raw(locatedTo)})`.execute(db);
    return;
  }
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      const schema = await sql<{ type: string; name: string; sql: string | null }>`select type, name, sql from sqlite_schema where tbl_name = 'cases'`.execute(trx);
      const table = schema.rows.find((row) => row.type === 'table');
      if (!table?.sql?.includes(kindFrom) || !table.sql.includes(locatedFrom)) throw new Error('The cases table does not have the constraints this migration changes.');
      const rebuilt = table.sql.replace(kindFrom, kindTo).replace(locatedFrom, locatedTo).replace(/^CREATE TABLE "?cases"?/i, 'CREATE TABLE "cases_rebuilt"');
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
  for (const table of ['application_payments', 'application_documents', 'applications', 'application_drafts', 'application_forms']) await db.schema.dropTable(table).execute();
  await sql`delete from cases where kind = 'application'`.execute(db);
  await widenCases(db, columnTypes(db).postgres, false);
}
