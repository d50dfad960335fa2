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
    before(async () => {
      t = await createTestDatabase(database);
      await seedDemo(t.db, config, makeKeyring(newKey()));
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

    test('open cases are in departments\' queues with their clocks: some overdue, some not', async () => {
      const open = await t.db.selectFrom('cases').select(['department_id', 'workflow_version_id', 'due_at', 'assigned_user_id', 'priority'])
        .where('jurisdiction_id', '=', config.jurisdiction.id).where('status', '=', 'open').execute();
      assert.ok(open.length > 50);
      assert.ok(open.every((row) => row.department_id !== null && row.workflow_version_id !== null && row.due_at !== null));
      const now = Date.now();
      const overdue = open.filter((row) => Date.parse(row.due_at!) < now).length;
      assert.ok(overdue > 0 && overdue < open.length, `${overdue} of ${open.length} overdue`);
      assert.ok(open.some((row) => row.assigned_user_id !== null), 'round-robin departments gave cases to their staff');
      assert.ok(new Set(open.map((row) => row.priority)).size >= 3);
    });
  });
}
