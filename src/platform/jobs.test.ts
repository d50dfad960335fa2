import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, databasesUnderTest, type TestDatabase } from '../../test/database.js';
import { openDatabase, type DB } from '../db/connection.js';
import { startScheduledJobs, takeLease, type JobLog } from './jobs.js';

const quiet: JobLog = { info: () => {}, error: () => {} };

for (const database of databasesUnderTest()) {
  describe(`scheduled jobs on ${database.name}`, () => {
    let t: TestDatabase;
    let second: DB;
    before(async () => {
      t = await createTestDatabase(database);
      // A second connection pool, as another app process would have.
      second = database.name === 'postgres' ? openDatabase(t.url, { poolSize: 3 }) : openDatabase(t.url);
    });
    after(async () => {
      await second.destroy();
      await t.cleanup();
    });

    test('two schedulers sharing the database never run the same job at the same time', async () => {
      let inside = 0;
      let overlaps = 0;
      let runs = 0;
      const job = (name: string) => ({
        name: 'overlap-check', everyMs: 5,
        run: async () => {
          inside++;
          runs++;
          if (inside > 1) overlaps++;
          await sleep(20);
          inside--;
          return name;
        },
      });
      const one = startScheduledJobs(t.db, [job('one')], quiet, { leaseMs: 2_000 });
      const two = startScheduledJobs(second, [job('two')], quiet, { leaseMs: 2_000 });
      await sleep(1_000);
      await Promise.all([one.stop(), two.stop()]);
      assert.equal(overlaps, 0);
      assert.ok(runs >= 5, `ran ${runs} times`);
      const lease = await t.db.selectFrom('job_leases').selectAll().where('name', '=', 'overlap-check').executeTakeFirstOrThrow();
      assert.equal(lease.holder, null, 'stop() releases the lease');
      assert.ok(lease.last_started_at && lease.last_finished_at);
      assert.equal(lease.last_error, null);
    });

    test('a lease held by a process that died runs out, and another process takes over', async () => {
      const until = Date.now() + 600;
      assert.ok(await takeLease(t.db, 'takeover', 'a-process-that-died', until));
      assert.equal(await takeLease(second, 'takeover', 'someone-else', Date.now() + 1_000), false);
      let ranAt = 0;
      const scheduler = startScheduledJobs(second, [{ name: 'takeover', everyMs: 50, run: async () => { ranAt ||= Date.now(); } }], quiet, { leaseMs: 1_000 });
      await sleep(1_300);
      await scheduler.stop();
      assert.ok(ranAt > 0, 'the job ran once the lease ran out');
      assert.ok(ranAt >= until, 'not before the lease ran out');
    });

    test('a failing job records its error and runs again', async () => {
      let attempts = 0;
      const scheduler = startScheduledJobs(t.db, [{ name: 'failing', everyMs: 20, run: async () => { attempts++; throw new Error('the mail server is down'); } }], quiet, { leaseMs: 1_000 });
      await sleep(300);
      await scheduler.stop();
      assert.ok(attempts >= 2);
      const lease = await t.db.selectFrom('job_leases').selectAll().where('name', '=', 'failing').executeTakeFirstOrThrow();
      assert.equal(lease.last_error, 'the mail server is down');
    });
  });
}
