/**
 * History import (issue 13), as review found it, on each database: an open imported case is
 * routed like a new case (department, workflow, due time counted from when it was first
 * reported) and nobody is told; a re-run applies a source row only when it is newer than the
 * case's last change, and then only the columns the source owns; two imports at once neither
 * fail nor make a case twice, and a second run of a file that is loading is refused clearly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCaseBatch, type ImportedCase } from '../src/cases/imports.js';
import { applyStatusUpdate } from '../src/cases/outside-updates.js';
import { importRequests } from '../src/imports/imports.js';
import { loadProfile } from '../src/imports/profile.js';
import { csvDocument, parseCsv } from '../src/platform/csv.js';
import { saveRoutingRule } from '../src/routing/store.js';
import { createDepartment } from '../src/settings/departments.js';
import { createTestDatabase, databasesUnderTest } from './database.js';
import { sharedFile } from './shared-files.js';

const [header, ...sample] = parseCsv(readFileSync(sharedFile('data/311/san-francisco-311-cases-sample10k.csv'), 'utf8')) as [string[], ...string[][]];
const col = (name: string) => header.indexOf(name);
const open = sample.filter((row) => row[col('Status')] === 'Open').slice(0, 6);
const closed = sample.filter((row) => row[col('Status')] === 'Closed' && row[col('Closed')] !== '' && row[col('Updated')] !== '').slice(0, 40);
const jurisdiction = { id: 'import-rules.example', bounds: { minLat: 37.7, minLong: -122.52, maxLat: 37.84, maxLong: -122.35 }, timeZone: 'America/Los_Angeles' };
const profile = loadProfile('san-francisco-311');
const notify = { keyring: null as never, publicUrl: 'http://localhost', council: 'Test' };

for (const database of databasesUnderTest()) {
  describe(`import rules on ${database.name}`, () => {
    let t: Awaited<ReturnType<typeof createTestDatabase>>;
    let dir: string;
    const file = (name: string, rows: string[][]) => {
      const path = join(dir, name);
      writeFileSync(path, csvDocument([header, ...rows]));
      return path;
    };
    const load = (path: string, extra: Partial<Parameters<typeof importRequests>[1]> = {}) =>
      importRequests(t.db, { file: path, profile, jurisdiction, actor: 'cli', dryRun: false, createServices: true, ...extra });
    const caseOf = (externalId: string) => t.db.selectFrom('cases').selectAll().where('external_id', '=', externalId).executeTakeFirstOrThrow();
    before(async () => {
      t = await createTestDatabase(database);
      dir = mkdtempSync(join(tmpdir(), 'townhall-import-rules-'));
    });
    after(async () => {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('an open imported case is routed like a new case, its due time counted from when it was reported; a closed one is not; nobody is told', async () => {
      const department = await createDepartment(t.db, { code: 'streets', name: 'Streets' }, 'test');
      await saveRoutingRule(t.db, jurisdiction.id, { serviceCode: null, departmentId: Number(department.id), withinArea: false }, 'test');
      const report = await load(file('first.csv', [...open.slice(0, 3), ...closed.slice(0, 2)]));
      assert.equal(report.counts.created, 5);
      for (const row of open.slice(0, 3)) {
        const stored = await caseOf(row[col('CaseID')]!);
        assert.equal(stored.department_id, Number(department.id), 'an open imported case has no department');
        assert.ok(stored.workflow_version_id !== null, 'its workflow was not started');
        assert.ok(stored.due_at, 'an open imported case has no due time');
        const days = (Date.parse(stored.due_at) - Date.parse(stored.requested_at)) / 86_400_000;
        assert.ok(days > 0 && days < 60, `the due time is not counted from the original requested date (${days} days after it)`);
        const clocks = await t.db.selectFrom('case_clocks').select('kind').where('case_id', '=', stored.id).execute();
        assert.deepEqual(clocks.map((c) => c.kind), ['resolution']);
      }
      for (const row of closed.slice(0, 2)) {
        const stored = await caseOf(row[col('CaseID')]!);
        assert.equal(stored.department_id, null);
        assert.equal(stored.status, 'closed');
      }
      const outbox = await t.db.selectFrom('outbox').select('id').execute();
      assert.equal(outbox.length, 0, 'an import queued a message');
    });

    test('a re-run applies a newer source row to the columns the source owns only; a change made here after the row\'s date wins', async () => {
      const [first, second] = open as [string[], string[]];
      // Staff here close the first case (now, after any date in the old system).
      const closedHere = await caseOf(first[col('CaseID')]!);
      await applyStatusUpdate(t.db, jurisdiction.id, { updateId: 'staff-close', requestId: String(closedHere.id), status: 'closed', state: 'closed', updatedAt: new Date().toISOString(), description: 'Closed by our staff.', mediaUrl: null }, { id: 'user:7' }, notify);
      // Staff here start work on the second, at a time between its import and the source's next change.
      const worked = await caseOf(second[col('CaseID')]!);
      const staffAt = new Date(Date.parse(worked.updated_at) + 3_600_000).toISOString();
      await applyStatusUpdate(t.db, jurisdiction.id, { updateId: 'staff-start', requestId: String(worked.id), status: 'open', state: 'in_progress', updatedAt: staffAt, description: 'A crew is booked.', mediaUrl: null }, { id: 'user:7' }, notify);

      // The old system changed both rows later than that (two days after their last update).
      const later = (row: string[], description: string) => {
        const copy = [...row];
        const updated = new Date(Date.parse(worked.updated_at) + 2 * 86_400_000);
        const pad = (n: number) => String(n).padStart(2, '0');
        // Written in UTC here, read by the profile as San Francisco time: still a day and more later.
        const hours = updated.getUTCHours() % 12 || 12;
        copy[col('Updated')] = `${pad(updated.getUTCMonth() + 1)}/${pad(updated.getUTCDate())}/${updated.getUTCFullYear()} ${pad(hours)}:00:00 ${updated.getUTCHours() < 12 ? 'AM' : 'PM'}`;
        copy[col('Request.Details')] = description;
        return copy;
      };
      const report = await load(file('second.csv', [later(first, 'Changed in the old system'), later(second, 'Changed in the old system too'), open[2]!]));
      assert.deepEqual([report.counts.created, report.counts.updated, report.counts.unchanged, report.counts.kept], [0, 1, 1, 1]);

      const kept = await caseOf(first[col('CaseID')]!);
      assert.equal(kept.status, 'closed', 'the re-run undid the staff\'s closing');
      assert.equal(kept.status_notes, 'Closed by our staff.');
      assert.equal(kept.description, closedHere.description, 'a row older than the change here was applied');

      const updated = await caseOf(second[col('CaseID')]!);
      assert.match(updated.description ?? '', /Changed in the old system too/, 'the newer source row was not applied');
      assert.equal(updated.state, 'in_progress', 'the workflow state set here was overwritten');
      assert.equal(updated.status_notes, 'A crew is booked.', 'the public note set here was overwritten');
      assert.equal(updated.department_id, worked.department_id);
      const actions = await t.db.selectFrom('case_actions').select(['action', 'actor']).where('case_id', '=', worked.id).orderBy('id').execute();
      assert.deepEqual(actions.map((a) => a.action), ['submitted', 'status_update', 'imported_update'], 'the staff\'s action did not stay in the history');
    });

    test('two imports at once: overlapping files make each case once; a second run of a loading file is refused with a clear message', async () => {
      const a = file('a.csv', closed.slice(2, 30));
      const b = file('b.csv', closed.slice(16, 40));
      const before = await t.db.selectFrom('cases').select('id').execute();
      const [ra, rb] = await Promise.all([load(a, { batchSize: 4 }), load(b, { batchSize: 4 })]);
      const after = await t.db.selectFrom('cases').select('external_id').execute();
      assert.equal(after.length - before.length, 38, 'a case was made twice, or not at all');
      assert.equal(new Set(after.map((c) => c.external_id)).size, after.length);
      assert.equal(ra.counts.created + rb.counts.created, 38);

      // The same rows written by two transactions at the same moment (the second waits on the first's rows, then finds them).
      const rows: ImportedCase[] = closed.slice(30, 34).map((row, i) => ({
        externalId: `same-moment-${i}`, serviceCode: 'abandoned-vehicle', description: row[col('Request.Details')] ?? null, lat: 37.77, long: -122.42,
        addressString: null, zipcode: null, status: 'closed', statusNotes: null, agencyResponsible: null, channel: 'phone',
        requestedAt: '2016-01-01T10:00:00.000Z', updatedAt: '2016-01-02T10:00:00.000Z', closedAt: '2016-01-02T10:00:00.000Z',
      }));
      const context = { actor: 'cli', importId: ra.importId!, services: new Map([['abandoned-vehicle', { expectedDays: null, agencyResponsible: null }]]), timeZone: jurisdiction.timeZone };
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const firstRun = t.db.transaction().execute(async (trx) => { const done = await importCaseBatch(trx, jurisdiction.id, rows, context); await gate; return done; });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const secondRun = t.db.transaction().execute((trx) => importCaseBatch(trx, jurisdiction.id, rows, context));
      setTimeout(release, 300);
      const [one, two] = await Promise.all([firstRun, secondRun]);
      assert.equal(one.created + two.created, 4, JSON.stringify([one, two]));
      assert.equal(two.created + two.unchanged, 4);
      // On PostgreSQL the two transactions really overlap: the later insert waits for the earlier one's rows, then skips them.
      if (database.name === 'postgres') assert.equal(one.concurrent + two.concurrent, 4, JSON.stringify([one, two]));
      const made = await t.db.selectFrom('cases').select('id').where('external_id', 'like', 'same-moment-%').execute();
      assert.equal(made.length, 4);

      // A run of a file while another run of it is loading: refused, writing nothing.
      const c = file('c.csv', closed.slice(34, 40).map((row) => [...row.slice(0, col('CaseID')), `${row[col('CaseID')]}9`, ...row.slice(col('CaseID') + 1)]));
      let refusal: unknown;
      await load(c, { batchSize: 2, afterBatch: async (batch) => { if (batch === 1) refusal = await load(c).then(() => null, (error: unknown) => error); } });
      assert.match(String((refusal as Error | null)?.message), /Another import of c\.csv with this profile is running \(import \d+, started .* by cli\)\. Wait for it to finish/);
    });
  });
}
