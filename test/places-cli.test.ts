/** townhall places import: a council loads its gazetteer from CSV, all or nothing. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchPlaces } from '../src/places/places.js';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from './database.js';
import { runTownhall } from './cli-run.js';

const jurisdiction = { TOWNHALL_JURISDICTION_ID: 'places.cli.test', TOWNHALL_BOUNDS: '51.3,-0.5,51.7,0.3', LOG_LEVEL: 'silent' };

const townhall = (args: string[], env: Record<string, string> = {}) => runTownhall(args, { ...jurisdiction, ...env });

test('places --help says what the file holds', async () => {
  const run = await townhall(['places', '--help']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /Usage: townhall places import FILE.csv/);
  assert.match(run.stdout, /kind,name,lat,long/);
  assert.match((await townhall(['--help'])).stdout, /\bplaces\b/);
});

for (const database of databasesUnderTest()) {
  describe(`townhall places import on ${database.name}`, () => {
    let t: TestDatabase;
    let dir: string;
    before(async () => {
      t = await createTestDatabase(database);
      dir = mkdtempSync(join(tmpdir(), 'townhall-places-'));
    });
    after(async () => {
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const count = async () => Number((await t.db.selectFrom('places').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    test('a good file is loaded and searchable', async () => {
      const run = await townhall(['places', 'import', file('good.csv', 'kind,name,lat,long,min_lat,min_long,max_lat,max_long\nstreet,High Street,51.51,-0.12,51.50,-0.13,51.52,-0.11\naddress,12 High Street,51.511,-0.121\narea,"Riverside, North",51.5,-0.1\n')], t.env);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /Loaded 3 places/);
      const found = await searchPlaces(t.db, 'places.cli.test', '12 hihg street');
      assert.deepEqual(found.map((p) => p.name), ['12 High Street']);
      assert.deepEqual((await searchPlaces(t.db, 'places.cli.test', 'high street', { kinds: ['street'] }))[0]?.bounds, { minLat: 51.5, minLong: -0.13, maxLat: 51.52, maxLong: -0.11 });
    });

    test('one bad line and nothing is loaded; each problem names its line', async () => {
      const before = await count();
      const run = await townhall(['places', 'import', file('bad.csv', 'street,Mill Lane,51.5,-0.1\nroad,Nowhere,51.5,-0.1\naddress,1 Far Away,10,10\n')], t.env);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Nothing was loaded/);
      assert.match(run.stderr, /Line 2: kind must be address, street or area/);
      assert.match(run.stderr, /Line 3: .*outside the council/);
      assert.equal(await count(), before);
    });

    test('--replace swaps the gazetteer; a missing file or action is a plain error', async () => {
      const run = await townhall(['places', 'import', '--replace', file('new.csv', 'area,Old Town,51.45,-0.2\n')], t.env);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(await count(), 1);
      const missing = await townhall(['places', 'import', join(dir, 'nope.csv')], t.env);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /there is no such file/);
      const noAction = await townhall(['places'], t.env);
      assert.equal(noAction.code, 2);
      assert.match(noAction.stderr, /Usage: townhall places/);
    });
  });
}
