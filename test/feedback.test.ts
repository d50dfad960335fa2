/**
 * Feedback when a case closes, end to end: a back office closes a case through Open311, the
 * reporter and followers get their emails (read from the outbox), the reporter answers through
 * the emailed link in a browser without JavaScript, and "not fixed" reopens the case.
 */
import { caseChanged } from '../src/notifications/case-updates.js';
import { openComment } from '../src/feedback/feedback.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { openQueuedEmail, type QueuedEmail } from '../src/notifications/email.js';
import { nowIso } from '../src/platform/time.js';
import { caseHistory } from '../src/cases/queries.js';
import { follow } from '../src/cases/followers.js';
import { reporterToTell } from '../src/cases/reporters.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { asRecords, marker, Open311, w3cAt, type Fields } from './open311/client.js';
import { fixture, GRAFFITI, inside } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

for (const database of databasesUnderTest()) {
  describe(`feedback when a case closes on ${database.name}`, () => {
    let t: RunningTownhall;
    let api: Open311;
    let staffSession = '';
    before(async () => {
      t = await startTownhall(database, fixture);
      api = new Open311(t.baseUrl, t.apiKey);
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      const worker = await createUser(t.db, t.keyring, { email: 'worker@example.org', role: 'case_worker', departmentCode: 'public-works' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      staffSession = (await startSession(t.db, Number(worker.id), { limits: limitsFor('case_worker'), secondFactor: true })).token;
    });
    after(() => t?.close());

    const report = async (email: string | null, extra: Fields = {}): Promise<string> => {
      const created = await api.create({ service_code: GRAFFITI, ...inside, description: 'Tag on the wall', ...(email ? { email } : {}), ...extra });
      assert.ok(created.serviceRequestId);
      return created.serviceRequestId;
    };
    /** Posts a status update as a back office does; returns the update id (Townhall's action id). */
    const postUpdate = async (id: string, status: string, description: string): Promise<string> => {
      const result = await api.postUpdate({ update_id: marker('bo'), service_request_id: id, status, updated_datetime: w3cAt(new Date()), description });
      assert.equal(result.status, 201, result.text);
      return String(asRecords(JSON.parse(result.text))[0]?.update_id);
    };
    const emails = async (): Promise<QueuedEmail[]> => {
      const rows = await t.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute();
      return rows.map((row) => openQueuedEmail(t.keyring, JSON.parse(row.payload)));
    };
    /** The emails sent about one case after a point in the outbox. */
    const emailsAbout = async (id: string, since: number) => (await emails()).slice(since).filter((e) => e.text.includes(`(reference ${id})`));
    const resident = async (email: string) => {
      const user = await createUser(t.db, t.keyring, { email, role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('resident'), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      return { id: Number(user.id), browser };
    };
    const preferences = (userId: number, onUpdate: boolean, onClose: boolean) => t.db.insertInto('resident_preferences')
      .values({ user_id: userId, email_on_update: onUpdate ? 1 : 0, email_on_close: onClose ? 1 : 0, updated_at: nowIso() }).execute();
    const linkIn = (email: QueuedEmail) => {
      const link = /Was it fixed\? Tell us: (\S+)/.exec(email.text)?.[1];
      assert.ok(link, `a feedback link in: ${email.text}`);
      assert.ok(link.startsWith(`${t.baseUrl}/requests/`));
      return link.slice(t.baseUrl.length);
    };
    /** Closes a case and returns the path of the reporter's feedback link. */
    const closeAndGetLink = async (id: string, reporter: string) => {
      const since = (await emails()).length;
      await postUpdate(id, 'CLOSED', 'Cleaned off');
      const mine = (await emailsAbout(id, since)).filter((e) => e.to === reporter);
      assert.equal(mine.length, 1);
      return linkIn(mine[0]!);
    };
    const openStatus = async (id: string) => String(asRecords(await api.json(`requests/${id}.json`))[0]?.status);

    test('an update and a closure email the reporter and each follower who wants it, once each', async () => {
      const id = await report('Rita@Example.org');
      const both = await resident('both@example.org');
      const updatesOnly = await resident('updates-only@example.org');
      const closeOnly = await resident('close-only@example.org');
      // The reporter also has an account and follows as the reporter: one email, not two.
      const reporterAccount = await resident('rita@example.org');
      await preferences(updatesOnly.id, true, false);
      await preferences(closeOnly.id, false, true);
      for (const user of [both, updatesOnly, closeOnly]) await follow(t.db, Number(id), user.id, 'follower');
      await follow(t.db, Number(id), reporterAccount.id, 'reporter');

      let since = (await emails()).length;
      await postUpdate(id, 'IN_PROGRESS', 'Crew booked for Tuesday');
      const updated = await emailsAbout(id, since);
      assert.deepEqual(updated.map((e) => e.to.toLowerCase()).sort(), ['both@example.org', 'rita@example.org', 'updates-only@example.org']);
      for (const email of updated) {
        assert.equal(email.template, 'case_updated');
        assert.ok(email.text.includes(`${t.baseUrl}/requests/${id}\n`), email.text);
        assert.ok(email.text.includes('Crew booked for Tuesday'));
        assert.ok(email.text.includes('Test Borough Council'));
        assert.ok(!email.text.includes('/feedback'));
      }

      since = (await emails()).length;
      const closingId = await postUpdate(id, 'CLOSED', 'Cleaned off');
      const closed = await emailsAbout(id, since);
      assert.deepEqual(closed.map((e) => e.to.toLowerCase()).sort(), ['both@example.org', 'close-only@example.org', 'rita@example.org']);
      assert.ok(closed.every((e) => e.template === 'case_closed'));
      const toReporter = closed.find((e) => e.to === 'Rita@Example.org');
      assert.ok(toReporter, 'the reporter gets it at the address they gave');
      const link = linkIn(toReporter);
      for (const follower of closed.filter((e) => e !== toReporter)) {
        assert.ok(!follower.text.includes('/feedback'), 'followers get no feedback link');
        assert.match(follower.text, /has been closed/);
      }
      // The link works: it opens the form, for the closing action the back office sent.
      const page = await new WebClient(t.baseUrl).get(link);
      assert.equal(page.status, 200);
      assert.match(page.html, /Was the problem fixed\?/);
      assert.ok(link.includes(`/requests/${id}/feedback?key=`));
      assert.ok(Number(closingId) > 0);
    });

    test('followers and their email choices are read in one query, however many follow', async () => {
      const id = await report(null);
      const people = await Promise.all([1, 2, 3, 4].map((n) => resident(`many-${n}@example.org`)));
      for (const person of people) await follow(t.db, Number(id), person.id, 'follower');
      await preferences(people[0]!.id, false, false);
      let queries = 0;
      const queued = await t.db.transaction().execute(async (trx) => {
        const counting = new Proxy(trx, {
          get: (target, name) => {
            if (name === 'selectFrom') queries++;
            const value = Reflect.get(target, name) as unknown;
            return typeof value === 'function' ? (value as (...x: unknown[]) => unknown).bind(target) : value;
          },
        });
        const reporter = await reporterToTell(counting, t.keyring, Number(id));
        return caseChanged(counting, { keyring: t.keyring, publicUrl: t.baseUrl, council: 'Test' }, { caseId: Number(id), actionId: 1, serviceName: 'Graffiti', closed: false, note: null, reporter });
      });
      assert.equal(queued, 3, 'the one who chose no emails gets none');
      assert.equal(queries, 3, 'the reporter\'s details, the followers with their choices, then the message templates');
    });

    test('a guest reporter with no email address, and a reporter who chose no emails, get none', async () => {
      const anonymous = await report(null);
      const quiet = await resident('quiet@example.org');
      await preferences(quiet.id, false, false);
      const quietReport = await report('quiet@example.org');
      const since = (await emails()).length;
      await postUpdate(anonymous, 'CLOSED', 'Done');
      await postUpdate(quietReport, 'CLOSED', 'Done');
      assert.equal((await emailsAbout(anonymous, since)).length, 0);
      assert.equal((await emailsAbout(quietReport, since)).length, 0);
    });

    test('the emailed link takes one answer; the answer is stored against the closure', async () => {
      const id = await report('once@example.org');
      const since = (await emails()).length;
      const closingId = await postUpdate(id, 'CLOSED', 'Cleaned off');
      const link = linkIn((await emailsAbout(id, since)).find((e) => e.to === 'once@example.org')!);
      const browser = new WebClient(t.baseUrl);
      const form = await browser.get(link);
      assert.equal(form.status, 200);
      const key = new URL(link, t.baseUrl).searchParams.get('key')!;
      const thanks = await browser.post(`/requests/${id}/feedback`, { key, fixed: 'yes', satisfaction: '4', comment: 'Quick work, thank you. Call me on 0123 456 789.' });
      assert.equal(thanks.status, 200);
      assert.match(thanks.html, /Thank you for telling us/);
      assert.match(thanks.html, new RegExp(`href="/requests/${id}"`));
      const stored = await t.db.selectFrom('feedback').selectAll().where('case_id', '=', Number(id)).execute();
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.service_code, GRAFFITI);
      assert.equal(stored[0]!.closing_action_id, Number(closingId));
      assert.equal(stored[0]!.fixed, 1);
      assert.equal(stored[0]!.satisfaction, 4);
      assert.ok(stored[0]!.comment && !stored[0]!.comment.includes('0123'), 'the comment is sealed, not stored in clear');
      assert.equal(openComment(t.keyring, stored[0]!.comment), 'Quick work, thank you. Call me on 0123 456 789.');
      assert.equal(await openStatus(id), 'closed', 'fixed: the case stays closed');
      // A second answer, by form or by opening the link again: a thank-you, not an error.
      const again = await browser.post(`/requests/${id}/feedback`, { key, fixed: 'no' });
      assert.equal(again.status, 200);
      assert.match(again.html, /You have already told us, thank you/);
      assert.match((await browser.get(link)).html, /You have already told us, thank you/);
      assert.equal((await t.db.selectFrom('feedback').selectAll().where('case_id', '=', Number(id)).execute()).length, 1);
      assert.equal(await openStatus(id), 'closed');
      // The comment may hold personal details: not in the audit trail, not on public pages.
      const audit = await t.db.selectFrom('audit_log').select('after').where('entity_id', '=', id).execute();
      assert.ok(audit.every((a) => !(a.after ?? '').includes('0123')));
      assert.doesNotMatch((await new WebClient(t.baseUrl).get(`/requests/${id}`)).html, /0123 456 789/);
    });

    test('a wrong key, no key, another case\'s key or a case that is not closed are refused with a clear page', async () => {
      const id = await report('someone@example.org');
      const stranger = new WebClient(t.baseUrl);
      const notClosed = await stranger.get(`/requests/${id}/feedback`);
      assert.equal(notClosed.status, 409);
      assert.match(notClosed.html, /This report is not closed/);
      const link = await closeAndGetLink(id, 'someone@example.org');
      const other = await report('other@example.org');
      const otherLink = await closeAndGetLink(other, 'other@example.org');
      const otherKey = new URL(otherLink, t.baseUrl).searchParams.get('key')!;
      for (const path of [`/requests/${id}/feedback`, `/requests/${id}/feedback?key=${'0'.repeat(64)}`, `/requests/${id}/feedback?key=nonsense`, `/requests/${id}/feedback?key=${otherKey}`]) {
        const page = await stranger.get(path);
        assert.equal(page.status, 403, path);
        assert.match(page.html, /Only the person who reported it can answer/);
        assert.match(page.html, /href="\/sign-in\?next=/);
      }
      await stranger.get(link); // a form page, for its CSRF token
      const refused = await stranger.post(`/requests/${id}/feedback`, { key: otherKey, fixed: 'no' });
      assert.equal(refused.status, 403);
      assert.equal(await openStatus(id), 'closed');
      assert.equal((await stranger.get('/requests/999999/feedback')).status, 404);
      assert.equal((await stranger.get('/requests/abc/feedback')).status, 404);
      assert.equal((await t.db.selectFrom('feedback').selectAll().where('case_id', 'in', [Number(id), Number(other)]).execute()).length, 0);
    });

    test('"not fixed" reopens the case for staff: open again in Open311, in its history and the audit trail; a new closure asks again', async () => {
      const id = await report('notfixed@example.org');
      const link = await closeAndGetLink(id, 'notfixed@example.org');
      const browser = new WebClient(t.baseUrl);
      await browser.get(link);
      const key = new URL(link, t.baseUrl).searchParams.get('key')!;
      const thanks = await browser.post(`/requests/${id}/feedback`, { key, fixed: 'no', satisfaction: '1', comment: 'Still there' });
      assert.equal(thanks.status, 200);
      assert.match(thanks.html, /We have reopened your report/);
      assert.equal(await openStatus(id), 'open');
      const last = (await caseHistory(t.db, Number(id))).at(-1);
      assert.deepEqual({ action: last?.action, status: last?.status, state: last?.state, public: last?.public },
        { action: 'reopened', status: 'open', state: 'reopened', public: true });
      const audit = await t.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', id).where('action', '=', 'service_request.reopened').execute();
      assert.equal(audit.length, 1);
      assert.doesNotMatch(audit[0]!.after ?? '', /Still there/);
      const staffPage = await fetch(`${t.baseUrl}/staff/requests/${id}`, { headers: { accept: 'text/html', cookie: `townhall_session=${staffSession}` } });
      assert.equal(staffPage.status, 200);
      assert.match(await staffPage.text(), /<dt>State<\/dt><dd>Reopened/);
      // Closed again: a new link for the new closure; the old one no longer opens the form.
      const second = await closeAndGetLink(id, 'notfixed@example.org');
      assert.notEqual(second, link);
      assert.equal((await browser.get(link)).status, 403);
      assert.equal((await browser.get(second)).status, 200);
    });

    test('a signed-in reporter can answer without the key; a signed-in follower cannot', async () => {
      const reporter = await resident('signed.in@example.org');
      const follower = await resident('just.following@example.org');
      const id = await report('signed.in@example.org');
      await follow(t.db, Number(id), reporter.id, 'reporter');
      await follow(t.db, Number(id), follower.id, 'follower');
      await postUpdate(id, 'CLOSED', 'Done');
      assert.equal((await follower.browser.get(`/requests/${id}/feedback`)).status, 403);
      const form = await reporter.browser.get(`/requests/${id}/feedback`);
      assert.equal(form.status, 200);
      const thanks = await reporter.browser.post(`/requests/${id}/feedback`, { fixed: 'yes' });
      assert.equal(thanks.status, 200);
      assert.match(thanks.html, /Thank you for telling us/);
      const audit = await t.db.selectFrom('audit_log').select('actor').where('entity_id', '=', id).where('action', '=', 'service_request.feedback_given').executeTakeFirstOrThrow();
      assert.equal(audit.actor, `user:${reporter.id}`);
    });

    const expected = {
      en: { fixed: 'Select yes if the problem was fixed, or no if it was not', satisfaction: 'Select how satisfied you are from the list', comment: 'Your comment must be 2,000 characters or fewer; it has 2,001' },
      es: { fixed: 'Seleccione sí si el problema se resolvió, o no si no se resolvió', satisfaction: 'Seleccione de la lista qué tan satisfecho está', comment: 'Su comentario debe tener 2000 caracteres como máximo; tiene 2001' },
      ar: { fixed: 'اختر نعم إذا حُلّت المشكلة، أو لا إذا لم تُحل', satisfaction: 'اختر مدى رضاك من القائمة', comment: 'يجب ألا يزيد تعليقك عن' },
    };
    for (const [language, messages] of Object.entries(expected)) {
      test(`problems with the answer are shown at their fields, with an error summary (${language})`, async () => {
        const id = await report(`errors.${language}@example.org`);
        const link = await closeAndGetLink(id, `errors.${language}@example.org`);
        const browser = new WebClient(t.baseUrl);
        browser.cookies.set('townhall_lang', language);
        await browser.get(link);
        const key = new URL(link, t.baseUrl).searchParams.get('key')!;
        const page = await browser.post(`/requests/${id}/feedback`, { key, satisfaction: '7', comment: 'x'.repeat(2001) });
        assert.equal(page.status, 400);
        assert.match(page.html, new RegExp(`<html lang="${language}"`));
        assert.match(page.html, /class="error-summary"/);
        for (const [field, message] of Object.entries(messages)) {
          assert.match(page.html, new RegExp(`href="#${field}"`), `the summary links to ${field}`);
          const atField = new RegExp(`<span class="error-message" id="${field}-error">[^<]*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
          assert.match(page.html, atField, `${field}: ${message}`);
          assert.match(page.html, new RegExp(`aria-describedby="[^"]*${field}-error`), `${field} is described by its error`);
        }
        assert.match(page.html, /<textarea[^>]*>x{2001}<\/textarea>/, 'the comment is kept');
        assert.match(page.html, new RegExp(`name="key" value="${key}"`), 'the key is kept');
        assert.equal((await t.db.selectFrom('feedback').selectAll().where('case_id', '=', Number(id)).execute()).length, 0);
        assert.equal(await openStatus(id), 'closed');
      });
    }
  });
}
