import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { databasesUnderTest } from '../../test/database.js';
import { openQueuedEmail } from '../notifications/email.js';
import { seal } from '../platform/crypto.js';
import { caseRow, ctx, jurisdiction, keyring, openCouncil, type Council } from '../cases/fixture.test-support.js';
import { checkSlaClocks, slaJobs, type SlaJobDeps } from './escalation.js';

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

for (const database of databasesUnderTest()) {
  describe(`SLA escalation on ${database.name}`, () => {
    let council: Council;
    let deps: (now: string) => SlaJobDeps;
    before(async () => {
      council = await openCouncil(database);
      // The fixture's addresses are not sealed; the supervisor's must be, to be emailed.
      await council.db.updateTable('users').set({ email: seal(keyring, 'users.email', 'supervisor@example.org') }).where('id', '=', council.supervisor.userId!).execute();
      deps = (now) => ({ db: council.db, notify: ctx.notify, timeZone: 'Europe/London', now: () => now });
    });
    after(() => council.t.cleanup());

    const slaEmails = async () => {
      const rows = await council.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute();
      return rows.map((row) => openQueuedEmail(keyring, JSON.parse(row.payload))).filter((email) => email.template.startsWith('sla_'));
    };
    const clockOf = (caseId: number) => council.db.selectFrom('case_clocks').selectAll().where('case_id', '=', caseId).where('kind', '=', 'resolution').executeTakeFirstOrThrow();

    test('the SLA job is one job, every minute', () => {
      const jobs = slaJobs(deps(new Date().toISOString()));
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.everyMs, 60_000);
    });

    test('near the due time the supervisors are warned, once', async () => {
      const caseId = await council.report('warn me');
      const clock = await clockOf(caseId);
      const between = new Date((Date.parse(clock.warn_due_at!) + Date.parse(clock.due_at!)) / 2).toISOString();
      const first = await checkSlaClocks(deps(between));
      assert.equal(first.warned, 1);
      assert.equal(first.escalated, 0);
      assert.ok((await clockOf(caseId)).warned_at);
      const warnings = (await slaEmails()).filter((email) => email.template === 'sla_warning');
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!.to, 'supervisor@example.org');
      assert.match(warnings[0]!.text, new RegExp(`Case ${caseId} \\(Pothole\\)`));
      const events = await council.db.selectFrom('events').select(['topic', 'data']).where('kind', '=', 'sla').execute();
      assert.ok(events.some((event) => event.topic === `staff:department:${council.roads}`));
      assert.deepEqual(await checkSlaClocks(deps(between)), { warned: 0, escalated: 0 });
      // Close it, so the next test's breach is only about its own case.
      await council.db.updateTable('case_clocks').set({ status: 'stopped' }).where('case_id', '=', caseId).execute();
    });

    test('past the due time the case goes to a supervisor with a note, and supervisors are emailed, once even when two runs race', async () => {
      const caseId = await council.report('breach me');
      assert.equal((await caseRow(council.db, caseId)).assigned_user_id !== council.supervisor.userId, true);
      const clock = await clockOf(caseId);
      const later = addDays(clock.due_at!, 1);
      const before = (await slaEmails()).length;
      const [one, two] = await Promise.all([checkSlaClocks(deps(later)), checkSlaClocks(deps(later))]);
      assert.equal(one.escalated + two.escalated, 1);
      const row = await caseRow(council.db, caseId);
      assert.equal(row.assigned_user_id, council.supervisor.userId);
      const actions = await council.db.selectFrom('case_actions').select(['action', 'actor', 'description', 'public']).where('case_id', '=', caseId).where('actor', '=', 'system:sla').execute();
      assert.equal(actions.length, 2, JSON.stringify(actions));
      const note = actions.find((action) => action.public === 0 && action.description?.includes('ran out'));
      assert.ok(note, 'an internal note says why');
      const emails = (await slaEmails()).slice(before);
      assert.equal(emails.length, 1);
      assert.equal(emails[0]!.template, 'sla_breach');
      assert.ok((await clockOf(caseId)).breached_at);
      assert.deepEqual(await checkSlaClocks(deps(addDays(later, 1))), { warned: 0, escalated: 0 });
    });

    test('practice cases in the training space never escalate', async () => {
      const caseId = await council.report('practice');
      await council.db.updateTable('cases').set({ jurisdiction_id: `${jurisdiction.id}.training` }).where('id', '=', caseId).execute();
      const clock = await clockOf(caseId);
      assert.deepEqual(await checkSlaClocks(deps(addDays(clock.due_at!, 1))), { warned: 0, escalated: 0 });
      assert.equal((await clockOf(caseId)).breached_at, null);
    });
  });
}
