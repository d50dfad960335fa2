import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../columns.js';

/**
 * Client mode and history import, as review found them (issue 13):
 *
 * - case_forwards.remote_status: the back office's public status (open or closed) last seen for
 *   the case, so a change there (closed there, or reopened there) is told from a change made here.
 *   Unknown (null) for cases forwarded before.
 * - forwarding_cursors.list_supported: whether the back office answers GET requests.json with a
 *   list of service_request_id (one call for many cases); null until tried.
 * - case_imports.locked_until: the import run holding the file (renewed with each batch), so a
 *   second run of the same file at the same time is refused with a clear message; and at most
 *   one unfinished run per file and profile (abandoned duplicates of the past are closed first).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('case_forwards').addColumn('remote_status', 'text', (c) => c.check(sql`remote_status in ('open', 'closed')`)).execute();
  await db.schema.alterTable('forwarding_cursors').addColumn('list_supported', 'integer', (c) => c.check(sql`list_supported in (0, 1)`)).execute();
  await db.schema.alterTable('case_imports').addColumn('locked_until', t.timestamp).execute();
  await sql`update case_imports set finished_at = started_at where finished_at is null and id not in (
    select max(id) from case_imports where finished_at is null group by jurisdiction_id, file_hash, profile_hash)`.execute(db);
  await db.schema.createIndex('case_imports_one_unfinished').on('case_imports').columns(['jurisdiction_id', 'file_hash', 'profile_hash']).unique()
    .where(sql.ref('finished_at'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('case_imports_one_unfinished').execute();
  await db.schema.alterTable('case_imports').dropColumn('locked_until').execute();
  await db.schema.alterTable('forwarding_cursors').dropColumn('list_supported').execute();
  await db.schema.alterTable('case_forwards').dropColumn('remote_status').execute();
}
