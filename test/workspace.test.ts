/**
 * The staff workspace through its pages, as a browser without JavaScript uses them: queues
 * (scope, filters, search, keyset pages), the case page's forms for every action (with CSRF and
 * a form key, so a double submit acts once), internal attachments, bulk actions, and refusals
 * for another department's case. Both databases.
 */
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { dialectOf } from '../src/db/connection.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { queuePhaseQuery, type QueueQuery } from '../src/staff/store.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI, inside, POTHOLE, BULKY, potholeAttributes } from './open311/fixture-catalogue.js';
import { WebClient } from './web-client.js';

const ids = (html: string) => [...html.matchAll(/href="\/staff\/requests\/(\d+)"/g)].map((m) => Number(m[1]));

for (const database of databasesUnderTest()) {
  describe(`staff workspace on ${database.name}`, () => {
    let t: RunningTownhall;
    const people: Record<string, { browser: WebClient; id: number }> = {};
    let roads = 0;
    let parks = 0;

    async function as(name: string, role: Role, department: string | null) {
      const user = await createUser(t.db, t.keyring, { email: `${name}@council.example`, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      people[name] = { browser, id: Number(user.id) };
    }

    /** A case as a resident's app sends it: routed and started by the workflow engine. */
    async function report(service: string, description: string, where = inside): Promise<number> {
      const response = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: service, description, ...where, address_string: '10 Mill Lane', email: 'rita@example.org', ...(service === POTHOLE ? { [`attribute[${potholeAttributes.road}]`]: 'Mill Lane' } : {}) }),
      });
      const [row] = (await response.json()) as Array<{ service_request_id: string }>;
      assert.ok(row?.service_request_id, `reported: ${response.status} ${JSON.stringify(row)}`);
      return Number(row.service_request_id);
    }

    /** Sends one form of the case page, with the key that page gave it. */
    async function act(name: string, caseId: number, form: string, fields: Record<string, string>) {
      const { browser } = people[name]!;
      const page = await browser.get(`/staff/requests/${caseId}`);
      assert.equal(page.status, 200, page.html);
      const key = new RegExp(`name="idempotency_key" value="([A-Za-z0-9_-]{22}-${form})"`).exec(page.html)?.[1];
      assert.ok(key, `the page has the ${form} form`);
      return { response: await browser.post(`/staff/requests/${caseId}/actions`, { idempotency_key: key, ...fields }), key };
    }

    const caseOf = (id: number) => t.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    before(async () => {
      t = await startTownhall(database, { ...fixture, env: { TOWNHALL_SIGN_IN_RATE_LIMIT: '0' } });
      await as('worker', 'case_worker', 'roads');
      await as('colleague', 'case_worker', 'roads');
      await as('supervisor', 'supervisor', 'roads');
      await as('parks', 'case_worker', 'parks');
      await as('analyst', 'analyst', null);
      await t.db.updateTable('services').set({ department_code: 'roads' }).where('code', 'in', [POTHOLE, GRAFFITI]).execute();
      await t.db.updateTable('services').set({ department_code: 'parks' }).where('code', '=', BULKY).execute();
      roads = (await t.db.selectFrom('departments').select('id').where('code', '=', 'roads').executeTakeFirstOrThrow()).id;
      parks = (await t.db.selectFrom('departments').select('id').where('code', '=', 'parks').executeTakeFirstOrThrow()).id;
    });
    after(() => t.close());

    test('queues: scope, each queue, filters, search and keyset pages', async () => {
      const now = Date.now();
      const at = new Date(now - 86_400_000).toISOString();
      const rows = Array.from({ length: 130 }, (_, i) => ({
        jurisdiction_id: t.jurisdiction.id, kind: 'service_request', service_code: i % 2 ? POTHOLE : GRAFFITI,
        description: i === 7 ? 'A deep crater full of water' : `queue case ${i}`, lat: null, long: null,
        address_string: i === 9 ? 'Zebra Crossing Road 4' : `${i} Queue Street`, address_id: null, zipcode: null, attributes: '{}', media_urls: '[]',
        status: i % 10 === 0 ? 'closed' : 'open', state: i % 10 === 0 ? 'fixed' : 'investigating', status_notes: null, agency_responsible: null, channel: 'phone',
        token: randomUUID(), requested_at: at, updated_at: at, expected_at: null, closed_at: i % 10 === 0 ? at : null, api_key_id: null,
        department_id: i < 120 ? roads : parks,
        assigned_user_id: i % 3 === 0 ? people.worker!.id : i % 3 === 1 ? people.colleague!.id : null,
        priority: (['low', 'normal', 'high', 'urgent'] as const)[i % 4]!,
        // Overdue, due within the day, later, and none at all.
        due_at: i % 4 === 0 ? new Date(now - 3_600_000 * (i + 1)).toISOString() : i % 4 === 1 ? new Date(now + 3_600_000 * 2).toISOString() : i % 4 === 2 ? new Date(now + 86_400_000 * 5 + i * 1000).toISOString() : null,
      }));
      await t.db.insertInto('cases').values(rows).execute();
      const inserted = await t.db.selectFrom('cases').select(['id', 'department_id', 'assigned_user_id', 'status', 'due_at', 'address_string', 'description', 'priority', 'service_code'])
        .where((eb) => eb.or([eb('description', 'like', '%queue case%'), eb('description', '=', 'A deep crater full of water')])).execute();
      const roadsOpen = inserted.filter((r) => r.department_id === roads && r.status === 'open');
      const { browser } = people.worker!;

      const walk = async (path: string) => {
        const seen: number[] = [];
        let page = await browser.get(path);
        for (let i = 0; i < 20; i++) {
          assert.equal(page.status, 200, page.html);
          seen.push(...ids(page.html));
          const next = /href="([^"]+)" rel="next"/.exec(page.html)?.[1];
          if (!next) break;
          page = await browser.get(next.replace(/&amp;/g, '&'));
        }
        return seen;
      };
      const department = await walk('/staff?queue=department');
      assert.equal(new Set(department).size, department.length, 'no case twice across pages');
      assert.deepEqual(new Set(department), new Set(roadsOpen.map((r) => r.id)), 'every open case of the department, once');
      const dues = department.map((id) => roadsOpen.find((r) => r.id === id)!.due_at).map((d) => (d === null ? null : new Date(d).getTime()));
      const withDue = dues.filter((d): d is number => d !== null);
      assert.deepEqual(withDue, [...withDue].sort((a, b) => a - b), 'due first, in order');
      assert.ok(dues.indexOf(null) === withDue.length, 'cases without a due time last');

      const mine = await walk('/staff');
      assert.deepEqual(new Set(mine), new Set(roadsOpen.filter((r) => r.assigned_user_id === people.worker!.id).map((r) => r.id)), 'a case worker starts on their own cases');
      assert.deepEqual(new Set(await walk('/staff?queue=unassigned')), new Set(roadsOpen.filter((r) => r.assigned_user_id === null).map((r) => r.id)));
      const overduePage = await browser.get('/staff?queue=overdue');
      assert.match(overduePage.html, /<strong class="late">\d+ (minutes?|hours?|days?) overdue<\/strong>/, 'overdue said in words, in clock time');
      assert.doesNotMatch(overduePage.html, /working time/, 'not in working minutes');
      assert.deepEqual(new Set(await walk('/staff?queue=overdue')), new Set(roadsOpen.filter((r) => r.due_at !== null && new Date(r.due_at).getTime() < now).map((r) => r.id)));
      const soonPage = await browser.get('/staff?queue=due_soon');
      assert.match(soonPage.html, /<strong class="soon">Due in \d+ (minutes?|hours?)<\/strong>/);
      assert.deepEqual(new Set(await walk('/staff?queue=due_soon')), new Set(roadsOpen.filter((r) => r.due_at !== null && new Date(r.due_at).getTime() > now && new Date(r.due_at).getTime() < now + 86_400_000).map((r) => r.id)));
      for (const sort of ['newest', 'oldest', 'priority']) {
        const sorted = await walk(`/staff?queue=department&sort=${sort}`);
        assert.deepEqual(new Set(sorted), new Set(roadsOpen.map((r) => r.id)), `sorted by ${sort}: every case once`);
        assert.equal(sorted.length, roadsOpen.length);
        if (sort === 'newest') assert.deepEqual(sorted, [...sorted].sort((a, b) => b - a));
      }
      const closed = await walk('/staff?queue=department&status=closed');
      assert.deepEqual(new Set(closed), new Set(inserted.filter((r) => r.department_id === roads && r.status === 'closed').map((r) => r.id)));
      const urgentPotholes = await walk(`/staff?queue=department&priority=urgent&service=${POTHOLE}`);
      assert.deepEqual(new Set(urgentPotholes), new Set(roadsOpen.filter((r) => r.priority === 'urgent' && r.service_code === POTHOLE).map((r) => r.id)));

      const crater = inserted.find((r) => r.description === 'A deep crater full of water')!;
      assert.deepEqual(ids((await browser.get(`/staff?queue=department&q=%23${crater.id}`)).html), [crater.id], 'by reference with #');
      assert.deepEqual(ids((await browser.get(`/staff?queue=department&q=${crater.id}`)).html), [crater.id], 'by reference');
      assert.deepEqual(ids((await browser.get('/staff?queue=department&q=CRATER')).html), [crater.id], 'by words of the description, any case');
      // A search looks across every queue the person may see, whichever queue it was typed in.
      for (const queue of ['mine', 'unassigned', 'overdue', 'due_soon']) {
        assert.deepEqual(ids((await browser.get(`/staff?queue=${queue}&q=crater`)).html), [crater.id], `searching from the ${queue} queue`);
      }
      const counted = (await browser.get('/staff?queue=department')).html;
      assert.match(counted, new RegExp(`My department <span class="count">${roadsOpen.length}</span>`), 'a count per queue');
      const zebra = inserted.find((r) => r.address_string === 'Zebra Crossing Road 4')!;
      assert.deepEqual(ids((await browser.get('/staff?queue=department&q=zebra%20cross')).html), [zebra.id], 'by the start of the address');
      assert.deepEqual(ids((await browser.get('/staff?queue=department&q=50%25')).html), [], 'a % is a character, not a wildcard');

      const parksList = ids((await people.parks!.browser.get('/staff?queue=department')).html);
      assert.ok(parksList.length > 0 && parksList.every((id) => !roadsOpen.some((r) => r.id === id)), 'another department sees none of these');
      const analyst = await people.analyst!.browser.get('/staff');
      assert.match(analyst.html, /<h1>All cases<\/h1>/, 'overseers start on every case');
      assert.match(analyst.html, /data-staff-live="\/staff\/events\?topic=staff:all"/);
      assert.match((await browser.get('/staff?queue=department')).html, new RegExp(`data-staff-live="/staff/events\\?topic=staff:department:${roads}"`));
      assert.equal((await browser.get('/staff?queue=department&cursor=not-a-cursor')).status, 200, 'a broken cursor starts again');
    });

    test('the queue queries use the queue indexes', async () => {
      const base: QueueQuery = { jurisdictionId: t.jurisdiction.id, kind: 'department', scope: { departmentId: roads }, userId: people.worker!.id, status: 'open', sort: 'due', now: new Date().toISOString() };
      const cases: Array<[QueueQuery, string]> = [
        [base, 'cases_queue_department\\b'],
        [{ ...base, kind: 'mine' }, 'cases_queue_department_assignee'],
        [{ ...base, kind: 'mine', scope: { allDepartments: true } }, 'cases_queue_assignee'],
        [{ ...base, kind: 'overdue', scope: { allDepartments: true } }, 'cases_queue_due'],
        [{ ...base, kind: 'all', scope: { allDepartments: true } }, 'cases_queue_due'],
        [{ ...base, kind: 'unassigned' }, 'cases_queue_department_assignee'],
        [{ ...base, kind: 'due_soon' }, 'cases_queue_department'],
      ];
      for (const [query, index] of cases) {
        const compiled = queuePhaseQuery(t.db, query, 0, query.kind === 'department' ? ['2026-01-01T00:00:00.000Z', 5] : null, 51).compile();
        let plan: string;
        if (dialectOf(t.db) === 'postgres') {
          plan = await t.db.transaction().execute(async (trx) => {
            // Tiny test tables are cheaper to scan, or to read through a bitmap and sort, than to walk an
            // ordered index; with those off the planner shows whether an index gives the order by itself
            // (a sort it cannot avoid still shows). The bench checks the planner's own choice at scale.
            await sql`set local enable_seqscan = off`.execute(trx);
            await sql`set local enable_bitmapscan = off`.execute(trx);
            await sql`set local enable_sort = off`.execute(trx);
            const result = await trx.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain ${compiled.sql}` });
            return result.rows.map((r) => r['QUERY PLAN']).join('\n');
          });
        } else {
          const result = await t.db.executeQuery<{ detail: string }>({ ...compiled, sql: `explain query plan ${compiled.sql}` });
          plan = result.rows.map((r) => r.detail).join('\n');
        }
        // PostgreSQL picks among the queue indexes by its statistics (the bench shows its choice at a million cases).
        assert.match(plan, dialectOf(t.db) === 'postgres' ? /cases_queue_(department|assignee|due)/ : new RegExp(index), `${query.kind}: ${plan}`);
        assert.doesNotMatch(plan, /USE TEMP B-TREE FOR ORDER BY|Sort Key/, `${query.kind} needs no sort: ${plan}`);
      }
    });

    test('a case worker works a case through every form; a double submit acts once', async () => {
      const caseId = await report(POTHOLE, 'Pothole by the bus stop');
      const started = await caseOf(caseId);
      assert.equal(started.department_id, roads, 'routed to the service\'s department');
      await t.db.insertInto('response_templates').values({
        jurisdiction_id: t.jurisdiction.id, department_id: roads, name: 'Work booked', body: 'Case {reference} ({service}) at {address}: booked. {council}', active: 1,
        created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
      }).execute();

      const page = await people.worker!.browser.get(`/staff/requests/${caseId}`);
      assert.match(page.html, /data-staff-live="\/staff\/events\?topic=staff:case:\d+"/);
      assert.match(page.html, /src="\/assets\/staff-live.js"/);
      assert.match(page.html, /Time to resolve/);
      assert.match(page.html, /Resolution<\/strong>: running, target 40 working hours\. Due /, 'the SLA clock with its due time');
      assert.match(page.html, /<dt>Due<\/dt><dd>[^<]+, <strong>due in \d+ (hours?|days?)<\/strong>/, 'one due date, explained');
      assert.doesNotMatch(page.html, /Expected by/, 'not a second date');
      const point = await people.worker!.browser.get(`/staff/requests/${caseId}/location.geojson`);
      assert.equal(point.status, 200);
      assert.deepEqual((JSON.parse(point.html) as { features: Array<{ geometry: { coordinates: number[] } }> }).features[0]!.geometry.coordinates, [Number(inside.long), Number(inside.lat)]);
      assert.equal((await people.parks!.browser.get(`/staff/requests/${caseId}/location.geojson`)).status, 403);

      const claim = await act('worker', caseId, 'claim', { action: 'claim' });
      assert.equal(claim.response.status, 303, claim.response.html);
      const countActions = async () => (await t.db.selectFrom('case_actions').select('id').where('case_id', '=', caseId).execute()).length;
      const afterClaim = await countActions();
      const again = await people.worker!.browser.post(`/staff/requests/${caseId}/actions`, { action: 'claim', idempotency_key: claim.key });
      assert.equal(again.status, 303, 'sent twice: no error');
      assert.equal(await countActions(), afterClaim, 'sent twice: done once');
      assert.equal((await caseOf(caseId)).assigned_user_id, people.worker!.id);
      const shown = await people.worker!.browser.follow(claim.response);
      assert.match(shown.html, /You took the case/);

      assert.equal((await act('worker', caseId, 'transition-investigate', { action: 'transition', transition: 'investigate' })).response.status, 303);
      const missing = await act('worker', caseId, 'transition-schedule', { action: 'transition', transition: 'schedule' });
      assert.equal(missing.response.status, 200, 'scheduling needs a public note: its own page asks for it');
      assert.match(missing.response.html, /<label for="public_note">Update for residents<\/label>/);
      assert.equal((await caseOf(caseId)).state, 'investigating', 'nothing done yet');
      const stepKey = /name="idempotency_key" value="([^"]+)"/.exec(missing.response.html)![1]!;
      const stillMissing = await people.worker!.browser.post(`/staff/requests/${caseId}/actions`, { idempotency_key: stepKey, action: 'transition', transition: 'schedule', confirmed: '1' });
      assert.equal(stillMissing.status, 400, 'confirmed without the note: refused');
      assert.match(stillMissing.html, /class="error-summary"/);
      assert.match(stillMissing.html, /href="#public_note"/, 'the refusal points at the field');

      const template = await t.db.selectFrom('response_templates').select('id').where('name', '=', 'Work booked').executeTakeFirstOrThrow();
      const filled = await people.worker!.browser.get(`/staff/requests/${caseId}?template=${template.id}`);
      assert.match(filled.html, new RegExp(`Case ${caseId} \\(Pothole\\) at 10 Mill Lane: booked. Test Borough Council`), 'template filled on the server');
      assert.equal((await act('worker', caseId, 'transition-schedule', { action: 'transition', transition: 'schedule', public_note: 'Booked for Tuesday' })).response.status, 303);
      assert.equal((await caseOf(caseId)).state, 'action_scheduled');
      const update = await act('worker', caseId, 'public_update', { action: 'public_update', public_text: `Case ${caseId}: booked.`, template_id: String(template.id) });
      assert.equal(update.response.status, 303, update.response.html);
      assert.equal((await act('worker', caseId, 'note', { action: 'note', note_text: 'Gang 3 has the key' })).response.status, 303);
      assert.equal((await act('worker', caseId, 'set_priority', { action: 'set_priority', priority: 'high' })).response.status, 303);
      assert.equal((await caseOf(caseId)).priority, 'high');
      const badClock = await act('worker', caseId, 'suspend_clock', { action: 'suspend_clock', clock: 'resolution', clock_reason: '' });
      assert.equal(badClock.response.status, 400);
      assert.match(badClock.response.html, /Say why the clock is paused/);
      const notKeeper = await act('worker', caseId, 'suspend_clock', { action: 'suspend_clock', clock: 'resolution', clock_reason: 'Waiting for the gas board' });
      assert.equal(notKeeper.response.status, 403, 'clocks are for supervisors');
      assert.match(notKeeper.response.html, /cannot change a case(&#39;|')s clocks/);
      assert.equal((await act('supervisor', caseId, 'suspend_clock', { action: 'suspend_clock', clock: 'resolution', clock_reason: 'Waiting for the gas board' })).response.status, 303);
      assert.match((await people.supervisor!.browser.get(`/staff/requests/${caseId}`)).html, /Resolution<\/strong>: paused/);
      assert.equal((await act('supervisor', caseId, 'resume_clock', { action: 'resume_clock', clock: 'resolution' })).response.status, 303);
      assert.equal((await act('supervisor', caseId, 'extend_clock', { action: 'extend_clock', clock: 'resolution', extend_hours: '4', clock_reason: 'Road closure' })).response.status, 303);

      const history = await people.worker!.browser.get(`/staff/requests/${caseId}`);
      assert.match(history.html, /Gang 3 has the key<\/p>/);
      assert.match(history.html, /<strong>Internal note<\/strong> <span class="tag">Internal<\/span>/);
      assert.match(history.html, /<strong>Moved from Investigating to Action scheduled<\/strong>/, 'the timeline names each change');
      assert.match(history.html, /<strong>Priority changed from Normal to High<\/strong>/);
      assert.match(history.html, /<strong>Resolution clock extended by 4 working hours<\/strong>/);
      const publicPage = await (await fetch(`${t.baseUrl}/requests/${caseId}`)).text();
      assert.doesNotMatch(publicPage, /Gang 3/, 'internal notes never reach the public page');

      // A duplicate nearby is offered for merging.
      const duplicate = await report(POTHOLE, 'Same pothole again');
      const dupPage = await people.worker!.browser.get(`/staff/requests/${duplicate}`);
      assert.match(dupPage.html, new RegExp(`id="merge-${caseId}"`), 'the earlier case nearby is suggested');
      const asked = await act('worker', duplicate, 'merge', { action: 'merge', merge_into: String(caseId) });
      assert.equal(asked.response.status, 200, 'a merge is confirmed first');
      assert.match(asked.response.html, new RegExp(`will close as a duplicate of case #${caseId}`));
      assert.equal((await caseOf(duplicate)).merged_into, null, 'not merged before it is confirmed');
      const merged = await act('worker', duplicate, 'merge', { action: 'merge', merge_into: String(caseId), confirmed: '1' });
      assert.equal(merged.response.status, 303, merged.response.html);
      assert.equal((await caseOf(duplicate)).merged_into, caseId);

      const handOver = await act('worker', caseId, 'assign', { action: 'assign', assignee: String(people.colleague!.id) });
      assert.equal(handOver.response.status, 403, 'a case worker cannot give a case to someone else');
      assert.match(handOver.response.html, /href="#assignee"/, 'the refusal points at the field');
      assert.equal((await act('supervisor', caseId, 'assign', { action: 'assign', assignee: String(people.colleague!.id) })).response.status, 303);
      assert.equal((await caseOf(caseId)).assigned_user_id, people.colleague!.id);
      const assignedPage = await people.supervisor!.browser.get(`/staff/requests/${caseId}`);
      assert.match(assignedPage.html, new RegExp(`<option value="${people.colleague!.id}" selected>`), 'the assign box shows who has the case');
      const confirmFix = await act('colleague', caseId, 'transition-fix', { action: 'transition', transition: 'fix' });
      assert.equal(confirmFix.response.status, 200, 'marking as fixed is confirmed first');
      assert.match(confirmFix.response.html, /will move from Action scheduled to Fixed and close/);
      assert.equal((await caseOf(caseId)).status, 'open');
      assert.equal((await act('colleague', caseId, 'transition-fix', { action: 'transition', transition: 'fix', confirmed: '1' })).response.status, 303);
      const closed = await caseOf(caseId);
      assert.equal(closed.status, 'closed');
      assert.equal(closed.state, 'fixed');
    });

    test('another department is refused, and moving a case hands it over', async () => {
      const caseId = await report(GRAFFITI, 'Tag on the library wall');
      const refused = await people.parks!.browser.get(`/staff/requests/${caseId}`);
      assert.equal(refused.status, 403);
      await people.parks!.browser.get('/staff');
      const post = await people.parks!.browser.post(`/staff/requests/${caseId}/actions`, { action: 'claim', idempotency_key: 'abcdefghijklmnopqrstuvwxyz' });
      assert.equal(post.status, 403, 'another department cannot act on the case');
      assert.equal((await caseOf(caseId)).assigned_user_id, null);
      const analystPost = await act('analyst', caseId, 'claim', { action: 'claim' }).catch(() => null);
      assert.equal(analystPost, null, 'an analyst gets no action forms');

      const missing = await act('supervisor', caseId, 'move_department', { action: 'move_department', department: String(parks), move_reason: '' });
      assert.equal(missing.response.status, 400);
      assert.match(missing.response.html, /Say why the case belongs to the other department/);
      const notLead = await act('worker', caseId, 'move_department', { action: 'move_department', department: String(parks), move_reason: 'Park land' });
      assert.equal(notLead.response.status, 403, 'a case worker cannot move cases');
      assert.match(notLead.response.html, /class="error-summary"/);
      assert.equal((await act('supervisor', caseId, 'move_department', { action: 'move_department', department: String(parks), move_reason: 'Park land' })).response.status, 303);
      assert.equal((await caseOf(caseId)).department_id, parks);
      assert.equal((await people.worker!.browser.get(`/staff/requests/${caseId}`)).status, 403, 'no longer roads\'s case');
      assert.equal((await people.parks!.browser.get(`/staff/requests/${caseId}`)).status, 200);
    });

    test('internal attachments: staff of the case only, never public', async () => {
      const caseId = await report(POTHOLE, 'Needs a survey');
      const { browser } = people.worker!;
      await browser.get(`/staff/requests/${caseId}`);
      const wrong = await browser.postMultipart(`/staff/requests/${caseId}/attachments`, {}, { file: { bytes: Buffer.from([0, 1, 2, 3, 0, 0]), filename: 'x.bin', type: 'application/octet-stream' } });
      assert.equal(wrong.status, 400);
      assert.match(wrong.html, /must be a PDF/);
      const sent = await browser.postMultipart(`/staff/requests/${caseId}/attachments`, {}, { file: { bytes: Buffer.from('Survey: 2 m wide\n'), filename: '../survey report.txt', type: 'text/plain' } });
      assert.equal(sent.status, 303, sent.html);
      const page = await browser.get(`/staff/requests/${caseId}`);
      const link = /href="(\/staff\/attachments\/[A-Za-z0-9_-]+)">survey report.txt</.exec(page.html)?.[1];
      assert.ok(link, 'listed by its name');
      const file = await browser.get(link);
      assert.equal(file.status, 200);
      assert.equal(file.html, 'Survey: 2 m wide\n');
      assert.match(file.headers.get('content-disposition') ?? '', /attachment/);
      assert.equal((await people.parks!.browser.get(link)).status, 403);
      assert.equal((await fetch(`${t.baseUrl}/media/${link.split('/').pop()}`)).status, 404, 'not at the public address');
      const row = await t.db.selectFrom('media').select(['internal', 'file_name']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { internal: 1, file_name: 'survey report.txt' });
    });

    test('bulk actions report per case what was done and what was refused', async () => {
      const a = await report(POTHOLE, 'Bulk one');
      const b = await report(POTHOLE, 'Bulk two');
      const other = await report(BULKY, 'Sofa in the park');
      const { browser } = people.supervisor!;
      const queue = await browser.get('/staff?queue=unassigned');
      const key = /name="idempotency_key" value="([^"]+)"/.exec(queue.html)?.[1];
      assert.ok(key);
      const body = new URLSearchParams({ _csrf: browser.csrf, idempotency_key: key, bulk_action: 'assign', assignee: String(people.colleague!.id), back: '/staff?queue=unassigned' });
      for (const id of [a, b, other]) body.append('case', String(id));
      const send = async () => {
        const response = await fetch(`${t.baseUrl}/staff/bulk`, { method: 'POST', body, headers: { cookie: `townhall_session=${browser.cookie('townhall_session')}`, accept: 'text/html' } });
        return { status: response.status, html: await response.text() };
      };
      const asked = await send();
      assert.equal(asked.status, 200, asked.html);
      assert.match(asked.html, /<h1>Assign to colleague@council\.example: 3 cases\?<\/h1>/, 'reassigning is confirmed first, naming the person');
      assert.equal((await caseOf(a)).assigned_user_id, null, 'nothing changed before confirming');
      body.set('confirmed', '1');
      const { status, html } = await send();
      assert.equal(status, 200, html);
      assert.match(html, /2 cases changed; 1 case not changed/);
      assert.match(html, new RegExp(`#${a}</a></td><td>Changed</td><td>Assigned to colleague@council\\.example \\(was nobody\\)\\.</td>`), 'what changed, per case');
      assert.match(html, new RegExp(`#${other}</a></td><td><strong>Not changed</strong></td><td>This case belongs to another department`));
      assert.equal((await caseOf(a)).assigned_user_id, people.colleague!.id);
      assert.equal((await caseOf(b)).assigned_user_id, people.colleague!.id);
      const nothing = await browser.post('/staff/bulk', { idempotency_key: key, bulk_action: 'claim' });
      assert.equal(nothing.status, 400);
      assert.match(nothing.html, /Select at least one case/);

      // The reassignment can be undone from its result page, case by case.
      assert.match(html, /<form method="post" action="\/staff\/bulk\/undo"/);
      assert.match(html, /Undo all 2 changes/);
      const undoBody = new URLSearchParams({ _csrf: browser.csrf, back: '/staff?queue=unassigned' });
      for (const [name, value] of [...html.matchAll(/<input type="hidden" name="(idempotency_key|undo)" value="([^"]+)"\/>/g)].map((m) => [m[1]!, m[2]!] as const)) undoBody.append(name, value);
      assert.equal(undoBody.getAll('undo').length, 2, 'only the cases that changed');
      const undone = await fetch(`${t.baseUrl}/staff/bulk/undo`, { method: 'POST', body: undoBody, headers: { cookie: `townhall_session=${browser.cookie('townhall_session')}`, accept: 'text/html' } });
      const undoneHtml = await undone.text();
      assert.equal(undone.status, 200, undoneHtml);
      assert.match(undoneHtml, /2 cases undone\./);
      assert.match(undoneHtml, new RegExp(`#${a}</a></td><td>Undone</td>`));
      assert.equal((await caseOf(a)).assigned_user_id, null, 'back with nobody');
      assert.equal((await caseOf(b)).assigned_user_id, null);
      await people.worker!.browser.get('/staff');
      const refused = await people.worker!.browser.post('/staff/bulk/undo', { idempotency_key: key, undo: undoBody.getAll('undo')[0]! });
      assert.match(refused.html, /Not undone<\/strong><\/td><td>Only the person who made a change can undo it/, 'someone else cannot undo it');
      const empty = await browser.post('/staff/bulk/undo', { idempotency_key: key, undo: 'nonsense' });
      assert.equal(empty.status, 400);
    });

    test('bulk take and bulk priority act at once and can be undone; a closure is undone from the case page by its maker only', async () => {
      const a = await report(POTHOLE, 'Take one');
      const b = await report(POTHOLE, 'Take two');
      const { browser } = people.worker!;
      const queue = await browser.get('/staff?queue=department');
      const key = /name="idempotency_key" value="([^"]+)"/.exec(queue.html)![1]!;
      const priorityBefore = (await caseOf(a)).priority;
      const urgent = await browser.post('/staff/bulk', { idempotency_key: `${key}p`, bulk_action: 'set_priority', priority: 'urgent', case: String(a) });
      assert.equal(urgent.status, 200, urgent.html);
      assert.match(urgent.html, /1 case changed\./);
      assert.match(urgent.html, new RegExp(`#${a}</a></td><td>Changed</td><td>Priority changed from`));
      assert.match(urgent.html, /Undo this change/);
      const undoKey = /action="\/staff\/bulk\/undo"[\s\S]*?name="idempotency_key" value="([^"]+)"/.exec(urgent.html)![1]!;
      const pair = /name="undo" value="([^"]+)"/.exec(urgent.html)![1]!;
      assert.equal((await browser.post('/staff/bulk/undo', { idempotency_key: undoKey, undo: pair })).status, 200);
      assert.equal((await caseOf(a)).priority, priorityBefore);

      // Mark as fixed (its confirm page stays: it asks for the residents' update), then undo it from the case page.
      const fix = await act('worker', b, 'transition-fix', { action: 'transition', transition: 'fix' });
      const stepKey = /name="idempotency_key" value="([^"]+)"/.exec(fix.response.html)![1]!;
      assert.equal((await browser.post(`/staff/requests/${b}/actions`, { idempotency_key: stepKey, action: 'transition', transition: 'fix', confirmed: '1' })).status, 303);
      assert.equal((await caseOf(b)).status, 'closed');
      const page = await browser.get(`/staff/requests/${b}`);
      assert.match(page.html, /Your last change: Moved from New to Fixed\. You can undo it until \d{1,2}:\d{2}/);
      assert.doesNotMatch((await people.colleague!.browser.get(`/staff/requests/${b}`)).html, /Undo this change/, 'only its maker is offered the undo');
      const form = /action="\/staff\/requests\/\d+\/undo"[\s\S]*?name="idempotency_key" value="([^"]+)"[\s\S]*?name="action_id" value="(\d+)"/.exec(page.html)!;
      const undone = await browser.post(`/staff/requests/${b}/undo`, { idempotency_key: form[1]!, action_id: form[2]! });
      assert.equal(undone.status, 303, undone.html);
      assert.equal((await caseOf(b)).status, 'open');
      assert.equal((await caseOf(b)).state, 'submitted');
      const after = await browser.follow(undone);
      assert.match(after.html, /Your change was undone/);
      assert.match(after.html, /Undone: moved back from Fixed to New/);
      const again = await browser.post(`/staff/requests/${b}/undo`, { idempotency_key: `${form[1]!}x`, action_id: form[2]! });
      assert.equal(again.status, 409, 'an undone change cannot be undone twice');
      assert.match(again.html, /changed since/);
      assert.equal((await browser.post(`/staff/requests/${b}/undo`, { idempotency_key: form[1]!, action_id: 'x' })).status, 400);
    });
  });
}
