/**
 * Import benchmark, on SQLite: `townhall import requests` of the 10,000-row San Francisco 311
 * sample through the shipped profile (reading the file, checking every row, writing the cases
 * and their actions in batches, the checkpoint and the audit entry), beside a bare loop that
 * inserts the same cases and actions with better-sqlite3 prepared statements in one
 * transaction (the same connection settings: WAL, synchronous NORMAL, foreign keys on), in
 * the same run. Then the re-run of the same file (nothing changes). Each figure
 * is the median of BENCH_RUNS runs (default 3), each on a fresh copy of a migrated database;
 * machines here are shared and noisy, so the ratio means more than the rates.
 *
 *   npm run bench:import
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createService, saveServiceGroup } from '../src/catalogue/catalogue.js';
import { openDatabase } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { importRequests } from '../src/imports/imports.js';
import { loadProfile, mappedServiceCodes } from '../src/imports/profile.js';
import { mapRow, readSource } from '../src/imports/rows.js';
import type { ImportedCase } from '../src/cases/imports.js';

const SAMPLE = fileURLToPath(new URL('../../shared/data/311/san-francisco-311-cases-sample10k.csv', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const jurisdiction = { id: 'bench.example', bounds: { minLat: 37.7, minLong: -122.52, maxLat: 37.84, maxLong: -122.35 } };
const target = 5_000;
const dir = mkdtempSync(join(tmpdir(), 'townhall-bench-import-'));
const loaded = loadProfile('san-francisco-311');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A migrated database with the profile's services, copied for each run. */
async function template(): Promise<string> {
  const file = join(dir, 'template.db');
  const db = openDatabase(`sqlite:${file}`);
  await migrateToLatest(db);
  const groups = new Set<string>();
  for (const code of mappedServiceCodes(loaded.profile)) {
    const def = loaded.profile.services[code]!;
    if (!groups.has(def.group)) { await saveServiceGroup(db, jurisdiction.id, { code: def.group, name: def.groupName ?? def.group }, groups.size, 'bench'); groups.add(def.group); }
    await createService(db, jurisdiction.id, { code, name: def.name, description: def.name, groupCode: def.group, keywords: [], type: 'realtime', agencyResponsible: null, serviceNotice: null, expectedDays: null, attributes: [] }, 'bench');
  }
  await db.destroy();
  return file;
}

function freshCopy(from: string, name: string): string {
  const file = join(dir, `${name}.db`);
  copyFileSync(from, file);
  return file;
}

/** CPU seconds of this process since `from` (the machine is shared: the process's own time says more than the clock). */
const cpuSince = (from: NodeJS.CpuUsage) => { const used = process.cpuUsage(from); return (used.user + used.system) / 1e6; };

interface Timing { wall: number; cpu: number }

/** The import as the command runs it; returns the first load's and the re-run's times. */
async function timeImport(file: string): Promise<[Timing, Timing]> {
  const db = openDatabase(`sqlite:${file}`);
  try {
    const options = { file: SAMPLE, profile: loaded, jurisdiction, actor: 'bench', dryRun: false, createServices: false };
    let started = performance.now();
    let cpu = process.cpuUsage();
    const first = await importRequests(db, options);
    const load = { wall: (performance.now() - started) / 1000, cpu: cpuSince(cpu) };
    if (first.counts.created === 0) throw new Error('the import created nothing');
    started = performance.now();
    cpu = process.cpuUsage();
    const again = await importRequests(db, options);
    const rerun = { wall: (performance.now() - started) / 1000, cpu: cpuSince(cpu) };
    if (again.counts.created + again.counts.updated !== 0) throw new Error('the re-run changed cases');
    return [load, rerun];
  } finally {
    await db.destroy();
  }
}

/** The bare baseline: the same cases and actions, prepared statements, one transaction, nothing else. */
function timeBare(file: string, records: ImportedCase[]): Timing {
  const db = new Database(file);
  // The settings Townhall's connection uses (db/connection.ts), so both sides do the same database work.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  try {
    const insertCase = db.prepare(`insert into cases (jurisdiction_id, kind, service_code, description, lat, long, address_string, zipcode, attributes, media_urls,
      status, state, status_notes, agency_responsible, channel, token, requested_at, updated_at, closed_at, external_id)
      values (?, 'service_request', ?, ?, ?, ?, ?, ?, '{}', '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const insertAction = db.prepare(`insert into case_actions (case_id, action, actor, status, state, description, details, public, created_at)
      values (?, ?, 'bench', ?, ?, ?, '{}', 1, ?)`);
    const started = performance.now();
    const cpu = process.cpuUsage();
    db.transaction(() => {
      for (const r of records) {
        const closed = r.status === 'closed';
        const { lastInsertRowid: id } = insertCase.run(jurisdiction.id, r.serviceCode, r.description, r.lat, r.long, r.addressString, r.zipcode, r.status,
          closed ? 'closed' : 'submitted', closed ? r.statusNotes : null, r.agencyResponsible, r.channel, randomUUID(), r.requestedAt, r.updatedAt, closed ? r.closedAt : null, r.externalId);
        insertAction.run(id, 'submitted', 'open', 'submitted', null, r.requestedAt);
        if (closed) insertAction.run(id, 'status_update', 'closed', 'closed', r.statusNotes, r.closedAt);
      }
    })();
    return { wall: (performance.now() - started) / 1000, cpu: cpuSince(cpu) };
  } finally {
    db.close();
  }
}

try {
  const base = await template();
  const { rows } = readSource(SAMPLE, 'csv');
  const services = new Set(mappedServiceCodes(loaded.profile));
  const records = rows.map((row) => mapRow(row, { profile: loaded.profile, bounds: jurisdiction.bounds, services }).record).filter((r): r is ImportedCase => r !== null);

  const loads: Timing[] = [];
  const reruns: Timing[] = [];
  const bares: Timing[] = [];
  for (let run = 0; run < runs; run++) {
    // Alternated, so a busy moment of the machine falls on both sides alike.
    const [load, rerun] = await timeImport(freshCopy(base, `import-${run}`));
    loads.push(load);
    reruns.push(rerun);
    bares.push(timeBare(freshCopy(base, `bare-${run}`), records));
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
  const rates = (timings: Timing[], count: number) => {
    const wall = median(timings.map((x) => x.wall));
    const cpu = median(timings.map((x) => x.cpu));
    return { wall: count / wall, cpu: count / cpu, text: `${fmt(count / wall)} rows/s (${wall.toFixed(2)} s); on CPU time ${fmt(count / cpu)} rows/s (${cpu.toFixed(2)} s)` };
  };
  const load = rates(loads, rows.length);
  const rerun = rates(reruns, rows.length);
  const bare = rates(bares, records.length);
  console.log(`Import of the San Francisco 311 sample on SQLite (${rows.length.toLocaleString('en-GB')} rows, ${records.length.toLocaleString('en-GB')} cases written; median of ${runs} runs)`);
  console.log(`  townhall import requests (read, check, write, checkpoint, audit): ${load.text}  target >= ${fmt(target)}: ${load.wall >= target ? 'met' : 'NOT met'} on the clock, ${load.cpu >= target ? 'met' : 'NOT met'} on CPU time`);
  console.log(`  re-run of the same file (every row compared, nothing written):   ${rerun.text}`);
  console.log(`  bare better-sqlite3 insert loop (same cases and actions, one transaction): ${bare.text}`);
  console.log(`  ratio import / bare: ${(load.wall / bare.wall).toFixed(2)} on the clock, ${(load.cpu / bare.cpu).toFixed(2)} on CPU time`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
