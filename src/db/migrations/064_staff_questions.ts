import { sql, type Kysely } from 'kysely';

/**
 * Staff-only questions: a service's question can be marked for staff, so residents never see or
 * answer it and staff fill it in on the case page. Their answers live in a column of their own,
 * apart from the reporter's answers (`attributes`), so no public reader of a case can show them
 * by mistake; each change is also a case action (`staff_answer`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('service_attributes')
    .addColumn('staff_only', 'integer', (c) => c.notNull().defaultTo(0).check(sql`staff_only in (0, 1)`)).execute();
  await db.schema.alterTable('cases').addColumn('staff_answers', 'text', (c) => c.notNull().defaultTo('{}')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('staff_answers').execute();
  await db.schema.alterTable('service_attributes').dropColumn('staff_only').execute();
}
