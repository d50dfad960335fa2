import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databasesUnderTest } from '../../test/database.js';
import { caseActionsInOrder } from '../cases/queries.js';
import { ctx, jurisdiction, keyring, openCouncil, type Council } from '../cases/fixture.test-support.js';
import { openQueuedEmail } from '../notifications/email.js';
import { changeLicenceStatus, issueLicence, verifyLicenceToken } from './licences.js';
import { licenceJobs, runLicenceRenewals } from './renewals.js';

const DAY = 86_400_000;

for (const database of databasesUnderTest()) {
  describe(`licence renewals on ${database.name}`, () => {
    let council: Council;
    before(async () => { council = await openCouncil(database); });
    after(() => council.t.cleanup());

    const reminders = async () => (await council.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute())
      .map((row) => openQueuedEmail(keyring, JSON.parse(row.payload))).filter((e) => e.template === 'licence_renewal_reminder');

    test('reminders 60, 30 and 7 days before the end, once each, in the holder\'s language; then the licence lapses', async () => {
      const caseId = await council.report('renew me');
      const issued = await issueLicence(council.db, {
        caseId, serviceCode: 'pothole', serviceName: 'Licencia de taxi', holderName: 'Lucía', holderEmail: 'lucia@example.org', permits: 'Conducir un taxi',
        conditions: [], validFrom: '2026-01-01', validUntil: '2027-06-30', language: 'es',
      }, council.worker, ctx);
      const row = await council.db.selectFrom('licences').select('valid_until').where('id', '=', issued.licenceId).executeTakeFirstOrThrow();
      const end = Date.parse(row.valid_until);
      const at = (daysBefore: number) => new Date(end - daysBefore * DAY).toISOString();
      const run = (daysBefore: number) => runLicenceRenewals({ db: council.db, ctx, now: () => at(daysBefore) });

      assert.deepEqual(await run(90), { reminded: 0, expired: 0 });
      assert.deepEqual(await run(60), { reminded: 1, expired: 0 });
      assert.deepEqual(await run(59.5), { reminded: 0, expired: 0 }, 'once');
      assert.deepEqual(await run(30), { reminded: 1, expired: 0 });
      assert.deepEqual(await run(30), { reminded: 0, expired: 0 });
      assert.deepEqual(await run(6), { reminded: 1, expired: 0 });
      assert.deepEqual(await run(1), { reminded: 0, expired: 0 });
      const sent = await reminders();
      assert.equal(sent.length, 3);
      assert.deepEqual(sent.map((e) => e.subject), [`Su licencia ${issued.number} vence en 60 días`, `Su licencia ${issued.number} vence en 30 días`, `Su licencia ${issued.number} vence en 6 días`]);
      assert.ok(sent.every((e) => e.to === 'lucia@example.org' && e.language === 'es'));

      assert.deepEqual(await run(-0.01), { reminded: 0, expired: 1 });
      assert.deepEqual(await run(-1), { reminded: 0, expired: 0 }, 'once');
      const status = await council.db.selectFrom('licences').select('status').where('id', '=', issued.licenceId).executeTakeFirstOrThrow();
      assert.equal(status.status, 'expired');
      assert.equal((await verifyLicenceToken(council.db, jurisdiction.id, issued.token)).verdict, 'expired');
      const audit = await council.db.selectFrom('audit_log').select('actor').where('entity_id', '=', issued.number).where('action', '=', 'licence.expired').execute();
      assert.deepEqual(audit.map((a) => a.actor), ['system:licences']);
      assert.ok((await caseActionsInOrder(council.db, caseId)).some((a) => a.description === `Licence ${issued.number} has expired.`));
    });

    test('a licence issued with less than 30 days left gets one reminder, not two; revoked ones none', async () => {
      const caseId = await council.report('short');
      const now = Date.now();
      const before = (await reminders()).length;
      const short = await issueLicence(council.db, {
        caseId, serviceCode: 'pothole', serviceName: 'Street party', holderName: 'Sam', holderEmail: 'sam@example.org', permits: 'A party',
        conditions: [], validFrom: new Date(now - DAY).toISOString(), validUntil: new Date(now + 20 * DAY).toISOString(), language: 'en',
      }, council.worker, ctx);
      void short;
      const revoked = await issueLicence(council.db, {
        caseId, serviceCode: 'pothole', serviceName: 'Street party', holderName: 'Kim', holderEmail: 'kim@example.org', permits: 'Another party',
        conditions: [], validFrom: new Date(now - DAY).toISOString(), validUntil: new Date(now + 20 * DAY).toISOString(), language: 'en',
      }, council.worker, ctx);
      await changeLicenceStatus(council.db, ctx, revoked.licenceId, 'revoke', 'Cancelled by the organiser', council.supervisor, 'r1');
      const result = await runLicenceRenewals({ db: council.db, ctx, now: () => new Date(now).toISOString() });
      assert.equal(result.reminded, 1);
      const mine = (await reminders()).slice(before);
      assert.equal(mine.length, 1);
      assert.equal(mine[0]!.to, 'sam@example.org', 'not the revoked licence\'s holder');
      assert.match(mine[0]!.subject, /ends in 20 days/);
      assert.equal((await runLicenceRenewals({ db: council.db, ctx, now: () => new Date(now + DAY).toISOString() })).reminded, 0);
    });

    test('the renewal job is one hourly job', () => {
      const jobs = licenceJobs({ db: council.db, ctx });
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.everyMs, 3_600_000);
    });
  });
}
