import type { Kysely } from 'kysely';

/**
 * The department queues by assignee: "Assigned to me" and "Not assigned" within a department
 * read this index alone (equal department, status and assignee, then in due order), for the page
 * and for the queue's count. Before it, both walked the department's open cases and read each
 * case's row to check its assignee, so their counts cost more as the department's open cases
 * grew (the bench's growth from 50,000 to 200,000 cases).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('cases_queue_department_assignee').on('cases')
    .columns(['jurisdiction_id', 'department_id', 'status', 'assigned_user_id', 'due_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_queue_department_assignee').execute();
}
