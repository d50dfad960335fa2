/**
 * `townhall import requests` (issue 13, "Import history") on each database: the San Francisco
 * 311 sample through the shipped profile (dry run, load, re-run with nothing changed), a changed
 * row updating its case, an interrupted load resuming, no message queued, and the imported dates
 * and statuses read back through Open311 GET and the staff pages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importRequests } from '../src/imports/imports.js';
import { loadProfile } from '../src/imports/profile.js';
import { csvDocument, parseCsv } from '../src/platform/csv.js';
import { runTownhall } from './cli-run.js';
import { createTestDatabase } from './database.js';
import { databasesUnderTest, signedInAs, startTownhall, testJurisdiction, type RunningTownhall } from './harness.js';
import { sharedFile } from './shared-files.js';

const SAMPLE = sharedFile('data/311/san-francisco-311-cases-sample10k.csv');
const SF_BOUNDS = '37.7,-122.52,37.84,-122.35';
const ZONE = 'America/Los_Angeles';

/** The sample read here on its own, to know what the import should make of it. */
const sampleText = readFileSync(SAMPLE, 'utf8');
const [header, ...sample] = parseCsv(sampleText) as [string[], ...string[][]];
const col = (name: string) => header.indexOf(name);
const field = (row: string[], name: string) => row[col(name)] ?? '';

/** "MM/DD/YYYY hh:mm:ss AM" in San Francisco as a UTC instant, found by asking Intl which offset gives back that wall clock. */
function sanFranciscoInstant(text: string): number | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([AP]M)$/.exec(text);
  if (!m) return null;
  const wall = Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, (+m[4]! % 12) + (m[7] === 'PM' ? 12 : 0), +m[5]!, +m[6]!);
  const format = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  for (const hours of [7, 8]) {
    const candidate = wall + hours * 3_600_000;
    const p = Object.fromEntries(format.formatToParts(candidate).map((x) => [x.type, x.value]));
    if (Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) === wall) return candidate;
  }
  return null;
}

const closedBeforeOpened = sample.filter((row) => field(row, 'Closed') !== '' && sanFranciscoInstant(field(row, 'Closed'))! < sanFranciscoInstant(field(row, 'Opened'))!);
const loadableRows = sample.filter((row) => !closedBeforeOpened.includes(row));

/** The line of the file a record starts on, found by its CaseID in the raw text. */
function lineOf(caseId: string): number {
  const at = sampleText.indexOf(`,${caseId},"`);
  return sampleText.slice(0, at).split('\n').length;
}

async function snapshot(t: RunningTownhall) {
  const cases = await t.db.selectFrom('cases').select(['id', 'status', 'updated_at', 'closed_at', 'service_code', 'lat', 'address_string']).orderBy('id').execute();
  const actions = await t.db.selectFrom('case_actions').select(['id', 'action', 'created_at']).orderBy('id').execute();
  return createHash('sha256').update(JSON.stringify([cases, actions])).digest('hex');
}

const count = async (t: RunningTownhall, table: 'cases' | 'case_actions' | 'outbox' | 'audit_log' | 'events' | 'services') =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

for (const database of databasesUnderTest()) {
  describe(`import history on ${database.name}`, () => {
    let t: RunningTownhall;
    let env: Record<string, string>;
    let dir: string;
    before(async () => {
      t = await startTownhall(database, { services: [], groups: [], env: { TOWNHALL_BOUNDS: SF_BOUNDS } });
      env = { DATABASE_URL: t.config.databaseUrl, TOWNHALL_JURISDICTION_ID: testJurisdiction.id, TOWNHALL_BOUNDS: SF_BOUNDS };
      dir = mkdtempSync(join(tmpdir(), 'townhall-import-'));
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('the San Francisco sample: a dry run reports by line and writes nothing, the load keeps every case, a re-run changes nothing', async () => {
      const outboxBefore = await count(t, 'outbox');
      const eventsBefore = await count(t, 'events');

      const missing = await runTownhall(['import', 'requests', SAMPLE, '--profile', 'san-francisco-311', '--dry-run'], env);
      assert.equal(missing.code, 1, 'a dry run against a catalogue without the services says so');
      assert.match(missing.stderr, /The catalogue has no service .*street-cleaning/);
      assert.match(missing.stderr, /--create-services/);

      const dry = await runTownhall(['import', 'requests', SAMPLE, '--profile', 'san-francisco-311', '--dry-run', '--create-services', '--json'], env);
      assert.equal(dry.code, 0, dry.stderr);
      const report = JSON.parse(dry.stdout) as { rows: number; loadable: number; problems: Array<{ line: number; kind: string; severity: string }> };
      assert.equal(report.rows, sample.length);
      assert.equal(report.loadable, loadableRows.length);
      const closedEarly = report.problems.filter((p) => p.kind === 'closed_before_opened');
      assert.equal(closedEarly.length, closedBeforeOpened.length);
      assert.deepEqual(closedEarly.map((p) => p.line).sort((a, b) => a - b), closedBeforeOpened.map((row) => lineOf(field(row, 'CaseID'))).sort((a, b) => a - b));
      assert.match(dry.stderr, /nothing was written/);
      assert.match(dry.stderr, /closed before opened: \d+ rows/);
      assert.equal(await count(t, 'cases'), 0, 'a dry run writes no case');
      assert.equal(await count(t, 'services'), 0, 'a dry run creates no service');

      const load = await runTownhall(['import', 'requests', SAMPLE, '--profile', 'san-francisco-311', '--create-services'], env);
      assert.equal(load.code, 0, load.stderr);
      assert.match(load.stderr, new RegExp(`${loadableRows.length.toLocaleString('en-GB')} cases created, 0 updated, 0 unchanged`));
      assert.match(load.stderr, /rows\/s/);
      assert.equal(await count(t, 'cases'), loadableRows.length);
      const closedRows = loadableRows.filter((row) => field(row, 'Status') === 'Closed').length;
      assert.equal(await count(t, 'case_actions'), loadableRows.length + closedRows, 'each case its submission, each closed one its closing');
      assert.equal(await count(t, 'outbox'), outboxBefore, 'an import queues no message to anyone');
      assert.equal(await count(t, 'events'), eventsBefore, 'nor any live event');

      const audits = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'case_import.completed').execute();
      assert.equal(audits.length, 1, 'the import is audited as one entry');
      const audit = JSON.parse(audits[0]!.after!) as Record<string, unknown>;
      assert.equal(audit.fileHash, createHash('sha256').update(readFileSync(SAMPLE)).digest('hex'));
      assert.equal(audit.profile, 'san-francisco-311');
      assert.equal(audit.created, loadableRows.length);
      assert.equal(audit.skipped, closedBeforeOpened.length);
      assert.equal(await t.db.selectFrom('audit_log').select('seq').where('entity_type', '=', 'service_request').executeTakeFirst(), undefined, 'no entry per case');

      const before = await snapshot(t);
      const auditCount = await count(t, 'audit_log');
      const again = await runTownhall(['import', 'requests', SAMPLE, '--profile', 'san-francisco-311'], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, new RegExp(`0 cases created, 0 updated, ${loadableRows.length.toLocaleString('en-GB')} unchanged`));
      assert.match(again.stderr, /Nothing changed/);
      assert.equal(await snapshot(t), before, 'a re-run changes no case and appends no action');
      assert.equal(await count(t, 'audit_log'), auditCount);
      assert.equal(await count(t, 'outbox'), outboxBefore);
    });

    test('imported dates and statuses read back through Open311 GET; the external id is on the staff page and found by search', async () => {
      const open = loadableRows.filter((row) => field(row, 'Status') === 'Open').slice(0, 3);
      const closed = loadableRows.filter((row) => field(row, 'Status') === 'Closed').slice(0, 5);
      for (const row of [...open, ...closed]) {
        const externalId = field(row, 'CaseID');
        const stored = await t.db.selectFrom('cases').select('id').where('external_id', '=', externalId).executeTakeFirstOrThrow();
        const response = await fetch(`${t.baseUrl}/open311/v2/requests/${stored.id}.json`);
        assert.equal(response.status, 200);
        const [request] = await response.json() as Array<Record<string, string>>;
        assert.equal(request!.status, field(row, 'Status').toLowerCase(), `status of ${externalId}`);
        assert.equal(Date.parse(request!.requested_datetime!), sanFranciscoInstant(field(row, 'Opened')), `requested time of ${externalId}`);
        assert.equal(Date.parse(request!.updated_datetime!), sanFranciscoInstant(field(row, 'Updated')), `updated time of ${externalId}`);
        assert.equal(request!.address, field(row, 'Address'));
      }
      // The closing update is a public status update at the closing time.
      const closedRow = closed[0]!;
      const closedCase = await t.db.selectFrom('cases').select('id').where('external_id', '=', field(closedRow, 'CaseID')).executeTakeFirstOrThrow();
      const closedAt = new Date(sanFranciscoInstant(field(closedRow, 'Closed'))!).toISOString();
      const updates = await fetch(`${t.baseUrl}/open311/v2/servicerequestupdates.json?start_date=${encodeURIComponent(closedAt)}&end_date=${encodeURIComponent(new Date(Date.parse(closedAt) + 1000).toISOString())}`);
      assert.equal(updates.status, 200);
      const list = await updates.json() as Array<Record<string, string>>;
      assert.ok(list.some((u) => u.service_request_id === String(closedCase.id) && u.status === 'CLOSED'), 'the closing update is listed at its own time');

      const admin = await signedInAs(t, 'admin@import.test', 'system_admin', null);
      const externalId = field(open[0]!, 'CaseID');
      const found = await t.db.selectFrom('cases').select('id').where('external_id', '=', externalId).executeTakeFirstOrThrow();
      const page = await fetch(`${t.baseUrl}/staff/requests/${found.id}`, { headers: { cookie: admin.cookie } });
      assert.equal(page.status, 200);
      assert.match(await page.text(), new RegExp(`Reference in the old system</dt><dd id="external-id">${externalId}<`));
      const search = await fetch(`${t.baseUrl}/staff?q=${externalId}`, { headers: { cookie: admin.cookie } });
      assert.equal(search.status, 200);
      assert.match(await search.text(), new RegExp(`href="/staff/requests/${found.id}"`), 'staff search finds a case by its old reference');
    });

    test('a changed row updates its case, with an action, and nothing else changes', async () => {
      const [first, second, third] = loadableRows.filter((row) => field(row, 'Status') === 'Open');
      const changed = [...first!];
      changed[col('Status')] = 'Closed';
      changed[col('Closed')] = '01/28/2016 09:15:00 AM';
      changed[col('Updated')] = '01/28/2016 09:15:00 AM';
      changed[col('Status.Notes')] = 'Case Completed - resolved: done';
      const file = join(dir, 'changed.csv');
      writeFileSync(file, csvDocument([header, changed, second!, third!]));
      const outboxBefore = await count(t, 'outbox');
      const run = await runTownhall(['import', 'requests', file, '--profile', 'san-francisco-311'], env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /0 cases created, 1 updated, 2 unchanged/);
      const stored = await t.db.selectFrom('cases').selectAll().where('external_id', '=', field(first!, 'CaseID')).executeTakeFirstOrThrow();
      assert.equal(stored.status, 'closed');
      assert.equal(Date.parse(stored.closed_at!), sanFranciscoInstant('01/28/2016 09:15:00 AM'));
      assert.equal(stored.status_notes, 'Case Completed - resolved: done');
      const actions = await t.db.selectFrom('case_actions').selectAll().where('case_id', '=', stored.id).orderBy('id').execute();
      assert.deepEqual(actions.map((a) => [a.action, a.status]), [['submitted', 'open'], ['status_update', 'closed']]);
      const response = await fetch(`${t.baseUrl}/open311/v2/requests/${stored.id}.json`);
      const [request] = await response.json() as Array<Record<string, string>>;
      assert.equal(request!.status, 'closed');
      assert.equal(request!.status_notes, 'Case Completed - resolved: done');
      assert.equal(await count(t, 'outbox'), outboxBefore, 'an update by import tells nobody either');
      const audits = await t.db.selectFrom('audit_log').select('after').where('action', '=', 'case_import.completed').orderBy('seq').execute();
      assert.equal(audits.length, 2);
      assert.equal((JSON.parse(audits[1]!.after!) as { updated: number }).updated, 1);
    });

    test('the NYC profile reads its export (CSV or JSON Lines) and names each problem by line; a wrong profile is refused field by field', async () => {
      const nycColumns = ['Unique Key', 'Created Date', 'Closed Date', 'Agency', 'Complaint Type', 'Descriptor', 'Incident Zip', 'Incident Address', 'Status',
        'Resolution Description', 'Resolution Action Updated Date', 'Latitude', 'Longitude', 'Open Data Channel Type'];
      const rows = [
        ['90001', '01/15/2020 08:30:00 AM', '01/16/2020 10:00:00 AM', 'NYPD', 'Noise - Residential', 'Loud Music/Party', '10027', '100 WEST 125 STREET', 'Closed', 'The Police Department responded.', '01/16/2020 10:00:00 AM', '40.8090', '-73.9480', 'PHONE'],
        ['90002', '2020-02-01T14:00:00.000', '', 'DOT', 'Street Condition', 'Pothole', '11201', '10 JAY STREET', 'Open', '', '', '40.7033', '-73.9867', 'ONLINE'],
        ['90003', '01/15/2020 09:00:00 AM', '', 'DHS', 'Homeless Encampment', '', '10001', '1 PENN PLAZA', 'Open', '', '', '40.7506', '-73.9935', 'PHONE'],
        ['90004', '01/15/2020 09:00:00 AM', '', 'DSNY', 'Illegal Dumping', 'Mattress', '10002', '5 ESSEX STREET', 'Open', '', '', 'abc', '-73.9900', 'MOBILE'],
        ['90005', '02/30/2020 10:00:00 AM', '', 'DOT', 'Street Condition', 'Pothole', '10002', '6 ESSEX STREET', 'Open', '', '', '40.7150', '-73.9890', 'PHONE'],
        ['90006', '03/02/2020 10:00:00 AM', '03/01/2020 10:00:00 AM', 'DOT', 'Street Condition', 'Pothole', '10002', '7 ESSEX STREET', 'Closed', '', '', '40.7150', '-73.9890', 'PHONE'],
        ['90007', '03/02/2020 10:00:00 AM', '', 'DOT', 'Street Condition', 'Pothole', '10002', '8 ESSEX STREET', 'Weird', '', '', '40.7150', '-73.9890', 'PHONE'],
        ['90008', '03/02/2020 10:00:00 AM', '', 'DOT', 'Street Condition', 'Pothole', '10002', '9 ESSEX STREET', 'Open', '', '', '34.0500', '-118.2400', 'PHONE'],
      ];
      const file = join(dir, 'nyc.csv');
      writeFileSync(file, csvDocument([nycColumns, ...rows]));
      const nycEnv = { ...env, TOWNHALL_BOUNDS: '40.49,-74.26,40.92,-73.70' };
      const dry = await runTownhall(['import', 'requests', file, '--profile', 'nyc-311', '--dry-run', '--create-services', '--json'], nycEnv);
      assert.equal(dry.code, 0, dry.stderr);
      const report = JSON.parse(dry.stdout) as { loadable: number; problems: Array<{ line: number; kind: string; severity: string }> };
      assert.deepEqual(report.problems.map((p) => [p.line, p.kind, p.severity]), [
        [4, 'unknown_service', 'error'], [5, 'bad_coordinates', 'warning'], [6, 'impossible_date', 'error'],
        [7, 'closed_before_opened', 'error'], [8, 'unknown_status', 'error'], [9, 'bad_coordinates', 'warning'],
      ]);
      assert.equal(report.loadable, 4);
      const load = await runTownhall(['import', 'requests', file, '--profile', 'nyc-311', '--create-services'], nycEnv);
      assert.equal(load.code, 0, load.stderr);
      assert.match(load.stderr, /4 cases created, 0 updated, 0 unchanged, 4 left out/);
      const iso = await t.db.selectFrom('cases').selectAll().where('external_id', '=', '90002').executeTakeFirstOrThrow();
      assert.equal(new Date(iso.requested_at).toISOString(), '2020-02-01T19:00:00.000Z', 'a floating ISO time is New York time (EST in February)');
      const noPosition = await t.db.selectFrom('cases').selectAll().where('external_id', 'in', ['90004', '90008']).execute();
      assert.deepEqual(noPosition.map((c) => [c.lat, c.address_string]).sort(), [[null, '5 ESSEX STREET'], [null, '9 ESSEX STREET']]);

      // The same export as JSON Lines, through a council's own copy of the profile.
      const profile = JSON.parse(readFileSync(fileURLToPath(new URL('../import-profiles/nyc-311.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
      delete profile.format;
      const profileFile = join(dir, 'our-nyc.json');
      writeFileSync(profileFile, JSON.stringify(profile));
      const jsonl = join(dir, 'nyc.jsonl');
      writeFileSync(jsonl, [rows[0]!, rows[1]!].map((row) => JSON.stringify(Object.fromEntries(nycColumns.map((c, i) => [c, c === 'Latitude' || c === 'Longitude' ? Number(row[i]) : row[i]])))).join('\n'));
      const again = await runTownhall(['import', 'requests', jsonl, '--profile', profileFile], nycEnv);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /0 cases created, 0 updated, 2 unchanged/, 'the same cases, found by their external ids');

      const wrong = join(dir, 'wrong.json');
      writeFileSync(wrong, JSON.stringify({ name: 'Wrong', externalId: 5, service: { column: 'Type', map: { A: 'a' } }, dates: { format: 'QQ', timeZone: 'Mars/Base', requested: 'Opened' }, status: { column: 'S', map: { X: 'shut' } }, colour: 'blue' }));
      const refused = await runTownhall(['import', 'requests', file, '--profile', wrong, '--dry-run'], nycEnv);
      assert.equal(refused.code, 1);
      for (const words of [/"externalId" must be a column name/, /"dates.format"/, /"dates.timeZone" must be an IANA time zone/, /"status.map" maps "X" to "shut"/, /"colour" is not a profile field/]) assert.match(refused.stderr, words);
    });

    test('an interrupted load resumes after the last batch it committed, and is audited once', async () => {
      const fresh = await createTestDatabase(database);
      try {
        const profile = loadProfile('san-francisco-311');
        const options = {
          file: SAMPLE, profile, jurisdiction: { id: testJurisdiction.id, bounds: { minLat: 37.7, minLong: -122.52, maxLat: 37.84, maxLong: -122.35 } },
          actor: 'cli', dryRun: false, createServices: true, batchSize: 2_000,
        };
        await assert.rejects(importRequests(fresh.db, { ...options, afterBatch: (batch) => { if (batch === 2) throw new Error('power cut'); } }), /power cut/);
        const record = await fresh.db.selectFrom('case_imports').selectAll().executeTakeFirstOrThrow();
        assert.equal(record.next_record, 4_000);
        assert.equal(record.finished_at, null);
        const loadedFirst = loadableRows.filter((row) => sample.indexOf(row) < 4_000).length;
        const cases = async () => Number((await fresh.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
        assert.equal(await cases(), loadedFirst);
        assert.equal((await fresh.db.selectFrom('audit_log').select('seq').where('action', '=', 'case_import.completed').execute()).length, 0, 'not audited until it completes');

        const resumed = await runTownhall(['import', 'requests', SAMPLE, '--profile', 'san-francisco-311'], { ...fresh.env, TOWNHALL_JURISDICTION_ID: testJurisdiction.id, TOWNHALL_BOUNDS: SF_BOUNDS });
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.match(resumed.stderr, /Resumed an interrupted import of this file: its first 4,000 rows were loaded before/);
        assert.equal(await cases(), loadableRows.length);
        const audits = await fresh.db.selectFrom('audit_log').select('after').where('action', '=', 'case_import.completed').execute();
        assert.equal(audits.length, 1);
        const audit = JSON.parse(audits[0]!.after!) as { created: number; resumed: boolean };
        assert.equal(audit.created, loadableRows.length, 'the one entry counts both runs');
        assert.equal(audit.resumed, true);
        const imports = await fresh.db.selectFrom('case_imports').selectAll().execute();
        assert.equal(imports.length, 1, 'the resumed run carries on the same import');
      } finally {
        await fresh.cleanup();
      }
    });
  });
}
