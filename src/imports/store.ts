/** SQL for `case_imports` (migration 060): each run of an import, its file, profile and checkpoint. */
import type { DB } from '../db/connection.js';

export interface ImportCounts { created: number; updated: number; unchanged: number; skipped: number }

export const noCounts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0, skipped: 0 });

/** The latest run of this file with this profile that did not finish: an interrupted load to resume. */
export async function unfinishedImport(db: DB, jurisdictionId: string, fileHash: string, profileHash: string) {
  const row = await db.selectFrom('case_imports').selectAll()
    .where('jurisdiction_id', '=', jurisdictionId).where('file_hash', '=', fileHash).where('profile_hash', '=', profileHash)
    .where('finished_at', 'is', null).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? { ...row, counts: { ...noCounts(), ...JSON.parse(row.counts) as Partial<ImportCounts> } } : undefined;
}

export async function startImport(db: DB, row: { jurisdictionId: string; fileName: string; fileHash: string; profileName: string; profileHash: string; actor: string; at: string }): Promise<number> {
  const inserted = await db.insertInto('case_imports').values({
    jurisdiction_id: row.jurisdictionId, file_name: row.fileName, file_hash: row.fileHash, profile_name: row.profileName,
    profile_hash: row.profileHash, actor: row.actor, started_at: row.at,
  }).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** Moves the checkpoint on, in the batch's own transaction: what it records is exactly what is committed. */
export async function recordProgress(trx: DB, id: number, nextRecord: number, counts: ImportCounts): Promise<void> {
  await trx.updateTable('case_imports').set({ next_record: nextRecord, counts: JSON.stringify(counts) }).where('id', '=', id).execute();
}

export async function finishImport(trx: DB, id: number, counts: ImportCounts, at: string): Promise<void> {
  await trx.updateTable('case_imports').set({ finished_at: at, counts: JSON.stringify(counts) }).where('id', '=', id).execute();
}
