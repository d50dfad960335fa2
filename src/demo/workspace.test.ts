import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { loadConfig } from '../config.js';
import { makeKeyring, newKey } from '../platform/crypto.js';
import { demoDepartments } from './catalogue-data.js';
import { seedDemo } from './seed.js';

for (const database of databasesUnderTest()) {
  describe(`the demo's workspace on ${database.name}`, () => {
    let t: TestDatabase;
    const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' });
    // A fixed day, so the queue's mix is the same on every run (the history ends on the day it is seeded).
    const seededOn = new Date('2026-12-07T06:00:00Z');
    before(async () => {
      t = await createTestDatabase(database);
      await seedDemo(t.db, config, makeKeyring(newKey()), seededOn);
    });
    after(() => t.cleanup());

    test('every agency is a department on the office-hours calendar', async () => {
      const departments = await t.db.selectFrom('departments').select(['code', 'calendar_id', 'assignment']).execute();
      for (const code of Object.values(demoDepartments)) {
        const found = departments.find((d) => d.code === code);
        assert.ok(found?.calendar_id, `${code} has a calendar`);
      }
      assert.equal(departments.find((d) => d.code === 'public-works')?.assignment, 'round_robin');
      const templates = await t.db.selectFrom('response_templates').select(['name', 'body']).execute();
      assert.ok(templates.length >= 3);
      assert.ok(templates.every((row) => row.body.includes('{reference}')));
    });

    test('the burst water main of the last hour waits for emergency officers as a possible incident', async () => {
      const flags = await t.db.selectFrom('surge_flags').selectAll().execute();
      assert.deepEqual(flags.map((f) => [f.service_code, f.area_name, f.reports, f.status]), [['water-leak', 'Mission', 12, 'new']]);
      const routed = await t.db.selectFrom('cases').select('department_id').where('id', 'in', JSON.parse(flags[0]!.report_ids) as number[]).execute();
      assert.ok(routed.every((c) => c.department_id !== null), 'the reports are in a department\'s queue');
    });

    test('open cases are in departments\' queues with their clocks: most within their targets, some due soon, a few overdue', async () => {
      const all = await t.db.selectFrom('cases').select(['department_id', 'workflow_version_id', 'due_at', 'assigned_user_id', 'priority', 'state'])
        .where('jurisdiction_id', '=', config.jurisdiction.id).where('status', '=', 'open').execute();
      // An application waiting for the applicant's reply has its clock stopped, so no due time (changed deliberately: the demo now has one).
      const waiting = all.filter((row) => row.state === 'more_information');
      assert.ok(waiting.every((row) => row.department_id !== null && row.due_at === null));
      const open = all.filter((row) => row.state !== 'more_information');
      // A normal day's queue of a town of 100,000 (changed deliberately: it was a year of untouched cases).
      assert.ok(open.length >= 15, `${open.length} open`);
      assert.ok(open.every((row) => row.department_id !== null && row.workflow_version_id !== null && row.due_at !== null));
      const now = seededOn.getTime();
      const left = open.map((row) => Date.parse(row.due_at!) - now);
      const overdue = left.filter((ms) => ms < 0).length;
      const dueSoon = left.filter((ms) => ms >= 0 && ms < 2 * 86_400_000).length;
      assert.ok(overdue > 0 && overdue <= open.length / 4, `${overdue} of ${open.length} overdue`);
      assert.ok(dueSoon > 0, `${dueSoon} of ${open.length} due within two days`);
      assert.ok(open.length - overdue > open.length / 2, 'most are within their targets');
      assert.ok(left.every((ms) => ms > -30 * 86_400_000), 'none is months late');
      assert.ok(open.some((row) => row.assigned_user_id !== null), 'round-robin departments gave cases to their staff');
      assert.ok(new Set(open.map((row) => row.priority)).size >= 3);
    });
  });
}
