import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databasesUnderTest } from '../../test/database.js';
import { getServiceForReport, updateService } from '../catalogue/catalogue.js';
import { openDatabase, type DB } from '../db/connection.js';
import { routeCase } from '../routing/routing.js';
import { saveRoutingRule } from '../routing/store.js';
import { calendarForDepartment } from '../sla/calendar.js';
import { jurisdiction, openCouncil, type Council } from '../cases/fixture.test-support.js';
import { settingsCache, settingsGeneration } from './settings-cache.js';

for (const database of databasesUnderTest()) {
  describe(`settings kept in memory (${database.name})`, () => {
    let council: Council;
    /** A second connection to the same database: what another app process sees. */
    let other: DB;
    before(async () => {
      council = await openCouncil(database);
      other = openDatabase(council.t.url, council.t.schema ? { schema: council.t.schema } : {});
    });
    after(async () => {
      await other.destroy();
      await council.t.cleanup();
    });

    const pothole = { name: 'Pothole', description: 'A hole in the road', groupCode: 'streets', keywords: [], department: 'roads', workflowCode: null, expectedDays: 5, active: true, serviceNotice: null };

    test('a change made through one connection is seen at once through another', async () => {
      assert.equal((await getServiceForReport(other, jurisdiction.id, 'pothole')).name, 'Pothole');
      await updateService(council.db, jurisdiction.id, 'pothole', { ...pothole, name: 'Pothole in the road' }, 'test');
      assert.equal((await getServiceForReport(other, jurisdiction.id, 'pothole')).name, 'Pothole in the road');
      await updateService(council.db, jurisdiction.id, 'pothole', pothole, 'test');
      assert.equal((await getServiceForReport(other, jurisdiction.id, 'pothole')).name, 'Pothole');
    });

    test('routing rules and calendars follow changes made elsewhere', async () => {
      assert.equal(await routeCase(other, jurisdiction.id, { serviceCode: 'pothole', lat: 51, long: 0 }), council.roads);
      const rule = await saveRoutingRule(council.db, jurisdiction.id, { serviceCode: 'pothole', departmentId: council.parks, withinArea: false }, 'test');
      assert.equal(await routeCase(other, jurisdiction.id, { serviceCode: 'pothole', lat: 51, long: 0 }), council.parks);
      await council.db.deleteFrom('routing_rules').where('id', '=', rule.id).execute();
      assert.equal(await routeCase(other, jurisdiction.id, { serviceCode: 'pothole', lat: 51, long: 0 }), council.roads);

      const at = new Date().toISOString();
      assert.equal((await calendarForDepartment(other, council.roads, 'Europe/London')).code, 'default');
      const calendar = await council.db.insertInto('business_calendars').values({
        code: 'roads', name: 'Roads', time_zone: 'Europe/London', working_hours: JSON.stringify([{ day: 1, start: '08:00', end: '16:00' }]), holidays: '[]', created_at: at, updated_at: at,
      }).returning('id').executeTakeFirstOrThrow();
      await council.db.updateTable('departments').set({ calendar_id: calendar.id }).where('id', '=', council.roads).execute();
      assert.equal((await calendarForDepartment(other, council.roads, 'Europe/London')).code, 'roads');
    });

    test('a change rolled back leaves no settings behind that pass for current', async () => {
      let loads = 0;
      const names = settingsCache(async (db: DB) => {
        loads++;
        return (await db.selectFrom('services').select('name').where('code', '=', 'pothole').where('jurisdiction_id', '=', jurisdiction.id).executeTakeFirstOrThrow()).name;
      });
      const before = await settingsGeneration(council.db);
      await assert.rejects(council.db.transaction().execute(async (trx) => {
        await trx.updateTable('services').set({ name: 'Never saved' }).where('code', '=', 'pothole').execute();
        assert.equal(await names(trx), 'Never saved', 'the transaction sees its own change');
        throw new Error('roll back');
      }));
      assert.equal(await settingsGeneration(council.db), before);
      assert.equal(await names(council.db), 'Pothole');
      assert.equal(await names(council.db), 'Pothole');
      assert.equal(loads, 2, 'read again after the roll-back, then kept');
      assert.equal(await names(other), 'Pothole');
    });
  });
}
