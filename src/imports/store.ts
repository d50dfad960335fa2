/** SQL for `case_imports` (migration 060): each run of an import, its file, profile and checkpoint. */
import type { DB } from '../db/connection.js';

/**
 * created, updated, unchanged: cases; kept: source rows not applied because the case changed here
 * after the row's date; concurrent: cases another import made at the same moment (found, not made
 * twice); skipped: rows left out for their problems.
 */
export interface ImportCounts { created: number; updated: number; unchanged: number; kept: number; concurrent: number; skipped: number }

export const noCounts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0, kept: 0, concurrent: 0, skipped: 0 });

/** How long a run holds its import without a batch committed: a run that stopped is resumed after this. */
export const IMPORT_LOCK_MS = 60_000;

/** The run holding an import, while it holds it. */
export async function lockHolder(db: DB, id: number) {
  return db.selectFrom('case_imports').select(['id', 'actor', 'started_at', 'locked_until']).where('id', '=', id).executeTakeFirst();
}

/** Lets go of an import this run held (it stopped with an error): the next run may resume it at once. */
export async function releaseImport(db: DB, id: number): Promise<void> {
  await db.updateTable('case_imports').set({ locked_until: null }).where('id', '=', id).where('finished_at', 'is', null).execute();
}

/** Takes an unfinished import for this run, unless another run holds it (its lock not yet ended): says whether it was taken. */
export async function takeImport(db: DB, id: number, now: Date): Promise<boolean> {
  const result = await db.updateTable('case_imports').set({ locked_until: new Date(now.getTime() + IMPORT_LOCK_MS).toISOString() })
    .where('id', '=', id).where('finished_at', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now.toISOString())]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

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
    profile_hash: row.profileHash, actor: row.actor, started_at: row.at, locked_until: new Date(Date.parse(row.at) + IMPORT_LOCK_MS).toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** Moves the checkpoint on, in the batch's own transaction: what it records is exactly what is committed. */
export async function recordProgress(trx: DB, id: number, nextRecord: number, counts: ImportCounts): Promise<void> {
  // The batch renews the run's hold on the import.
  await trx.updateTable('case_imports').set({ next_record: nextRecord, counts: JSON.stringify(counts), locked_until: new Date(Date.now() + IMPORT_LOCK_MS).toISOString() }).where('id', '=', id).execute();
}

export async function finishImport(trx: DB, id: number, counts: ImportCounts, at: string): Promise<void> {
  await trx.updateTable('case_imports').set({ finished_at: at, counts: JSON.stringify(counts), locked_until: null }).where('id', '=', id).execute();
}
