/**
 * `townhall import requests`: a council's past cases loaded from another system's export through
 * a mapping profile. A dry run checks every row and reports problems by line, writing nothing.
 * The load writes batches through the case module (src/cases/imports.ts), each batch in one
 * transaction with the import's checkpoint, so an interrupted load resumes after the last batch
 * it committed; cases are found again by their external id, so a re-run changes nothing and an
 * updated row updates its case. Nobody is told (no outbox message), and the import is audited as
 * one entry with its counts, the file's hash and the profile.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { appendAudit } from '../audit/audit.js';
import { createService, listServiceGroups, listServices, saveServiceGroup } from '../catalogue/catalogue.js';
import { importCaseBatch, type ImportedCase } from '../cases/imports.js';
import type { Bounds } from '../config.js';
import type { DB } from '../db/connection.js';
import { conflict, invalid } from '../platform/errors.js';
import { isUniqueViolation } from '../db/connection.js';
import { nowIso } from '../platform/time.js';
import { mappedServiceCodes, type LoadedProfile } from './profile.js';
import { mapRow, missingColumns, readSource, type RowProblem } from './rows.js';
import * as store from './store.js';

export type { ImportCounts } from './store.js';

export interface ImportOptions {
  file: string;
  profile: LoadedProfile;
  jurisdiction: { id: string; bounds: Bounds; timeZone?: string };
  actor: string;
  /** Check every row and report; write nothing. */
  dryRun: boolean;
  /** Create the services the profile maps to and defines, when the catalogue lacks them. */
  createServices: boolean;
  /** Rows per transaction (default 1,000). */
  batchSize?: number;
  /** Called after each committed batch: rows done of all, and the time since the load began. */
  onProgress?: (done: number, total: number, elapsedMs: number) => void;
  /** Called after each committed batch (tests stop a load here to resume it). */
  afterBatch?: (batch: number) => void | Promise<void>;
}

export interface ImportReport {
  file: string;
  fileHash: string;
  profile: string;
  dryRun: boolean;
  rows: number;
  /** Rows that would load (dry run) or that the load took (created, updated or unchanged). */
  loadable: number;
  problems: RowProblem[];
  counts: store.ImportCounts;
  /** Services the profile maps to that the catalogue lacks (after --create-services: none, or those it could not define). */
  missingServices: string[];
  createdServices: string[];
  /** The import's record (null in a dry run); resumedFrom: the row an interrupted run of it had reached. */
  importId: number | null;
  resumedFrom: number | null;
  seconds: number;
}

const DEFAULT_BATCH = 1_000;

export async function importRequests(db: DB, options: ImportOptions): Promise<ImportReport> {
  const { profile, source: profileName, hash: profileHash } = options.profile;
  const { rows, bytes } = readSource(options.file, profile.format);
  const fileHash = createHash('sha256').update(bytes).digest('hex');
  const missing = missingColumns(profile, rows[0]);
  if (missing.length > 0) {
    throw invalid(`${options.file} has no column ${missing.map((c) => `"${c}"`).join(', ')}, which the profile "${profile.name}" names. Check that the file is the export the profile is for, or fix the profile.`);
  }

  const jurisdictionId = options.jurisdiction.id;
  const catalogue = await listServices(db, jurisdictionId, { includeInactive: true });
  const existing = new Set(catalogue.map((s) => s.code));
  let missingServices = mappedServiceCodes(profile).filter((code) => !existing.has(code));
  const createdServices: string[] = [];
  if (options.createServices && missingServices.length > 0) {
    const undefinedOnes = missingServices.filter((code) => !profile.services[code]);
    const creatable = missingServices.filter((code) => profile.services[code]);
    if (!options.dryRun) await createMissingServices(db, jurisdictionId, options.profile, creatable, options.actor);
    for (const code of creatable) { existing.add(code); createdServices.push(code); }
    missingServices = undefinedOnes;
  }

  // Every row checked first, in the dry run and the load alike.
  const mapped: Array<ImportedCase | null> = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const result = mapRow(row, { profile, bounds: options.jurisdiction.bounds, services: existing });
    let record = result.record;
    problems.push(...result.problems);
    if (record) {
      const first = seen.get(record.externalId);
      if (first !== undefined) {
        problems.push({ line: row.line, kind: 'duplicate_id', severity: 'error', message: `The external id "${record.externalId}" was given already on line ${first}: only the first row is loaded.` });
        record = null;
      } else seen.set(record.externalId, row.line);
    }
    mapped.push(record);
  }
  const loadable = mapped.filter((r) => r !== null).length;
  const base = { file: options.file, fileHash, profile: profileName, rows: rows.length, loadable, problems, missingServices, createdServices };
  if (options.dryRun) {
    return { ...base, dryRun: true, counts: { ...store.noCounts(), skipped: rows.length - loadable }, importId: null, resumedFrom: null, seconds: 0 };
  }

  const started = Date.now();
  const services = new Map((await listServices(db, jurisdictionId, { includeInactive: true })).map((s) => [s.code, { expectedDays: s.expectedDays, agencyResponsible: s.agencyResponsible }]));
  const { importId, interrupted } = await takeOrStartImport(db, {
    jurisdictionId, fileName: basename(options.file), fileHash, profileName, profileHash, actor: options.actor, at: nowIso(),
  }, options.file);
  const counts = interrupted?.counts ?? store.noCounts();
  const from = interrupted?.next_record ?? 0;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  let batch = 0;
  try {
    for (let at = from; at < mapped.length; at += batchSize) {
      const slice = mapped.slice(at, at + batchSize);
      const records = slice.filter((r): r is ImportedCase => r !== null);
      const next = Math.min(at + batchSize, mapped.length);
      await db.transaction().execute(async (trx) => {
        const done = await importCaseBatch(trx, jurisdictionId, records, { actor: options.actor, importId, services, timeZone: options.jurisdiction.timeZone ?? 'UTC' });
        counts.created += done.created;
        counts.updated += done.updated;
        counts.unchanged += done.unchanged;
        counts.kept += done.kept;
        counts.concurrent += done.concurrent;
        counts.skipped += slice.length - records.length;
        await store.recordProgress(trx, importId, next, counts);
      });
      batch++;
      options.onProgress?.(next - from, mapped.length - from, Date.now() - started);
      await options.afterBatch?.(batch);
    }
  } catch (error) {
    // A run that stops with an error lets go of the import at once: the next run resumes it without waiting.
    await store.releaseImport(db, importId).catch(() => {});
    throw error;
  }
  await db.transaction().execute(async (trx) => {
    await store.finishImport(trx, importId, counts, nowIso());
    // One entry for the whole import; a re-run that changed nothing has nothing to audit.
    if (counts.created + counts.updated > 0) {
      await appendAudit(trx, {
        actor: options.actor, action: 'case_import.completed', entityType: 'case_import', entityId: String(importId),
        after: { file: basename(options.file), fileHash, profile: profileName, profileName: profile.name, profileHash, rows: rows.length, ...counts, resumed: interrupted !== undefined },
      });
    }
  });
  return { ...base, dryRun: false, counts, importId, resumedFrom: interrupted ? from : null, seconds: (Date.now() - started) / 1000 };
}

async function createMissingServices(db: DB, jurisdictionId: string, loaded: LoadedProfile, codes: string[], actor: string): Promise<void> {
  const groups = new Set((await listServiceGroups(db, jurisdictionId)).map((g) => g.code));
  let order = groups.size;
  for (const code of codes) {
    const def = loaded.profile.services[code]!;
    if (!groups.has(def.group)) {
      await saveServiceGroup(db, jurisdictionId, { code: def.group, name: def.groupName ?? def.group }, order++, actor);
      groups.add(def.group);
    }
    await createService(db, jurisdictionId, {
      code, name: def.name, description: def.description ?? def.name, groupCode: def.group, keywords: [], type: 'realtime',
      agencyResponsible: null, serviceNotice: null, expectedDays: null, attributes: [],
    }, actor);
  }
}

/**
 * The run's import: the interrupted run of this file with this profile, taken over (resumed), or a
 * new one. One run at a time holds an import: while another holds it (it committed a batch less
 * than a minute ago), this one is refused with a clear message and writes nothing. Two runs that
 * start the same file at the same moment meet on the index that allows one unfinished run per file.
 */
async function takeOrStartImport(db: DB, run: Parameters<typeof store.startImport>[1], file: string): Promise<{ importId: number; interrupted: Awaited<ReturnType<typeof store.unfinishedImport>> }> {
  const busy = async (id: number | null) => {
    const holder = id === null ? undefined : await store.lockHolder(db, id);
    const since = holder ? ` (import ${holder.id}, started ${holder.started_at} by ${holder.actor})` : '';
    return conflict(`Another import of ${basename(file)} with this profile is running${since}. Wait for it to finish; if it stopped, run the command again after a minute to resume it.`);
  };
  const interrupted = await store.unfinishedImport(db, run.jurisdictionId, run.fileHash, run.profileHash);
  if (interrupted) {
    if (!await store.takeImport(db, interrupted.id, new Date())) throw await busy(interrupted.id);
    return { importId: interrupted.id, interrupted };
  }
  try {
    return { importId: await store.startImport(db, run), interrupted: undefined };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw await busy((await store.unfinishedImport(db, run.jurisdictionId, run.fileHash, run.profileHash))?.id ?? null);
  }
}
