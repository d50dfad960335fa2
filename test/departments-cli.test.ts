/**
 * townhall departments: list prints "id<TAB>name" one a line (scripts rely on it), create adds
 * one, and users create takes a department's id as well as its code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { runTownhall as townhall } from './cli-run.js';

test('departments --help shows both actions and the top-level help lists the command', async () => {
  const run = await townhall(['departments', '--help'], {});
  assert.equal(run.code, 0);
  assert.match(run.stdout, /townhall departments list \[--json\]/);
  assert.match(run.stdout, /townhall departments create --code C --name N/);
  assert.match((await townhall(['--help'], {})).stdout, /\bdepartments\b/);
  assert.match((await townhall(['users', '--help'], {})).stdout, /--department ID\|CODE/);
});

for (const database of databasesUnderTest()) {
  describe(`townhall departments on ${database.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(database);
    });
    after(() => t.cleanup());

    test('create, then list prints id, a tab and the name, one department a line', async () => {
      const empty = await townhall(['departments', 'list'], t.env);
      assert.equal(empty.code, 0, empty.stderr);
      assert.equal(empty.stdout, '');
      const roads = await townhall(['departments', 'create', '--code', 'roads', '--name', 'Roads and Footways'], t.env);
      assert.equal(roads.code, 0, roads.stderr);
      assert.match(roads.stdout, /^\d+\tRoads and Footways\n$/);
      assert.equal((await townhall(['departments', 'create', '--code', 'parks', '--name', 'Parks'], t.env)).code, 0);
      const again = await townhall(['departments', 'create', '--code', 'roads', '--name', 'Roads'], t.env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already a department with the code "roads"/);
      const missing = await townhall(['departments', 'create', '--code', 'x'], t.env);
      assert.equal(missing.code, 2);

      const list = await townhall(['departments', 'list'], t.env);
      assert.equal(list.code, 0, list.stderr);
      const lines = list.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 2);
      for (const line of lines) assert.match(line, /^\d+\t[^\t]+$/);
      assert.deepEqual(lines.map((l) => l.split('\t')[1]), ['Parks', 'Roads and Footways']);
      const json = JSON.parse((await townhall(['departments', 'list', '--json'], t.env)).stdout) as Array<{ id: number; code: string; name: string }>;
      assert.deepEqual(json.map((d) => d.code), ['parks', 'roads']);
      const audit = await t.db.selectFrom('audit_log').select(['actor', 'entity_id']).where('action', '=', 'department.created').execute();
      assert.deepEqual(audit.map((a) => [a.actor, a.entity_id]), [['cli', 'roads'], ['cli', 'parks']]);
    });

    test('users create --department takes the id that list prints, or the code', async () => {
      const lines = (await townhall(['departments', 'list'], t.env)).stdout.trimEnd().split('\n');
      const roadsId = lines.find((l) => l.endsWith('\tRoads and Footways'))!.split('\t')[0]!;
      const byId = await townhall(['users', 'create', '--email', 'worker@council.example', '--role', 'case_worker', '--department', roadsId], t.env);
      assert.equal(byId.code, 0, byId.stderr);
      assert.equal((JSON.parse(byId.stdout) as { department: string }).department, 'roads');
      const user = await t.db.selectFrom('users').select('department_id').where('role', '=', 'case_worker').executeTakeFirstOrThrow();
      assert.equal(user.department_id, Number(roadsId));

      const byCode = await townhall(['users', 'create', '--email', 'lead@council.example', '--role', 'supervisor', '--department', 'parks'], t.env);
      assert.equal(byCode.code, 0, byCode.stderr);
      assert.equal((JSON.parse(byCode.stdout) as { department: string }).department, 'parks');

      const unknown = await townhall(['users', 'create', '--email', 'nobody@council.example', '--role', 'case_worker', '--department', '99999'], t.env);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no department with id 99999/);
      assert.equal((await t.db.selectFrom('departments').select('id').execute()).length, 2, 'an unknown id never creates a department');
    });
  });
}
