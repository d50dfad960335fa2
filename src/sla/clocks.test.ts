import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databasesUnderTest } from '../../test/database.js';
import { openCouncil, type Council } from '../cases/fixture.test-support.js';
import { calendarForDepartment, defaultCalendar } from './calendar.js';
import { getCalendar, saveCalendar } from '../settings/calendars.js';
import { caseClocks, earliestRunningDue, extendClock, resumeClock, startClock, stopClock, suspendClock } from './clocks.js';

const london = defaultCalendar('Europe/London');
const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

for (const database of databasesUnderTest()) {
  describe(`SLA clocks on ${database.name}`, () => {
    let council: Council;
    before(async () => { council = await openCouncil(database); });
    after(() => council.t.cleanup());

    const inTransaction = <T>(work: (trx: Council['db']) => Promise<T>) => council.db.transaction().execute(work);
    const statutory = async (caseId: number) => (await caseClocks(council.db, caseId)).find((clock) => clock.kind === 'statutory')!;

    test('start, suspend, resume, extend and stop keep the due time and the case\'s due time right', async () => {
      const caseId = await council.report();
      const resolutionDue = iso(await earliestRunningDue(council.db, caseId));
      assert.ok(resolutionDue, 'the standard workflow starts the resolution clock');
      // Friday 16:00 + 2 working hours: Monday 10:00.
      await inTransaction((trx) => startClock(trx, caseId, 'statutory', 120, london, '2026-11-27T16:00:00.000Z', { warnAt: 0.5 }));
      let clock = await statutory(caseId);
      assert.equal(clock.status, 'running');
      assert.equal(clock.dueAt, '2026-11-30T10:00:00.000Z');
      assert.equal(iso(await earliestRunningDue(council.db, caseId)), '2026-11-30T10:00:00.000Z', 'the earlier of the two clocks');
      const row = await council.db.selectFrom('case_clocks').selectAll().where('case_id', '=', caseId).where('kind', '=', 'statutory').executeTakeFirstOrThrow();
      assert.equal(row.warn_percent, 50);
      assert.equal(iso(row.warn_due_at), '2026-11-27T17:00:00.000Z');

      // Starting again while running changes nothing.
      await inTransaction((trx) => startClock(trx, caseId, 'statutory', 999, london, '2026-11-28T16:00:00.000Z'));
      assert.equal((await statutory(caseId)).dueAt, '2026-11-30T10:00:00.000Z');

      // Suspended on Monday 09:30: 90 minutes used (60 on Friday, 30 on Monday); no due time.
      await inTransaction((trx) => suspendClock(trx, caseId, 'statutory', london, '2026-11-30T09:30:00.000Z'));
      clock = await statutory(caseId);
      assert.equal(clock.status, 'suspended');
      assert.equal(clock.dueAt, null);
      assert.equal(clock.usedMinutes, 90);
      assert.equal(iso(await earliestRunningDue(council.db, caseId)), resolutionDue);

      // Resumed on Tuesday 09:00: 30 minutes left.
      await inTransaction((trx) => resumeClock(trx, caseId, 'statutory', london, '2026-12-01T09:00:00.000Z'));
      assert.equal((await statutory(caseId)).dueAt, '2026-12-01T09:30:00.000Z');
      await inTransaction((trx) => extendClock(trx, caseId, 'statutory', 60, london));
      clock = await statutory(caseId);
      assert.equal(clock.dueAt, '2026-12-01T10:30:00.000Z');
      assert.equal(clock.extendedMinutes, 60);
      assert.equal(iso(await earliestRunningDue(council.db, caseId)), '2026-12-01T10:30:00.000Z');

      await inTransaction((trx) => stopClock(trx, caseId, 'statutory', '2026-12-01T10:00:00.000Z'));
      clock = await statutory(caseId);
      assert.equal(clock.status, 'stopped');
      assert.equal(clock.dueAt, '2026-12-01T10:30:00.000Z', 'kept, so reports can tell met from missed');
      assert.equal(iso(await earliestRunningDue(council.db, caseId)), resolutionDue);
      await assert.rejects(inTransaction((trx) => extendClock(trx, caseId, 'statutory', 0, london)), /more than 0/);
    });

    test('with no running clock the case has no due time', async () => {
      const caseId = await council.report();
      await inTransaction((trx) => stopClock(trx, caseId, 'resolution', new Date().toISOString()));
      assert.equal(await earliestRunningDue(council.db, caseId), null);
    });

    test('a department\'s own calendar is used, and saving checks it', async () => {
      assert.deepEqual((await calendarForDepartment(council.db, council.roads, 'Europe/London')).workingHours.length, 5);
      const setCalendar = (id: number | null) => council.db.updateTable('departments').set({ calendar_id: id }).where('id', '=', council.roads).execute();
      await assert.rejects(saveCalendar(council.db, { id: null, code: 'bad', name: '', timeZone: 'Mars/Olympus', workingHours: [{ day: 8, start: '9', end: '17:00' }], holidays: ['2026-02-30'] }, 'test', { creating: true }),
        (error: Error & { problems?: string[] }) => {
          assert.equal(error.problems?.length, 4);
          return true;
        });
      await saveCalendar(council.db, {
        id: null, code: 'roads-hours', name: 'Roads hours', timeZone: 'Europe/London',
        workingHours: [{ day: 1, start: '08:00', end: '12:00' }, { day: 1, start: '13:00', end: '18:00' }], holidays: ['2026-12-25', '2026-12-25'],
      }, 'test', { creating: true });
      const saved = await getCalendar(council.db, 'roads-hours');
      assert.deepEqual(saved.holidays, ['2026-12-25']);
      await setCalendar(saved.id);
      const calendar = await calendarForDepartment(council.db, council.roads, 'Europe/London');
      assert.equal(calendar.code, 'roads-hours');
      assert.equal(calendar.workingHours.length, 2);
      await assert.rejects(saveCalendar(council.db, { id: null, code: 'x', name: 'X', timeZone: 'UTC', workingHours: [{ day: 1, start: '09:00', end: '12:00' }, { day: 1, start: '11:00', end: '13:00' }], holidays: [] }, 'test', { creating: true }), /overlaps/);
      await setCalendar(null);
    });
  });
}
