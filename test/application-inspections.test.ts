/**
 * Consultations and inspections on an application, on each database, through the staff pages:
 * an officer asks highways for a view (the case goes into consultation), highways staff see it,
 * read the application and reply (the reply joins the case); another department cannot; an
 * overdue one is flagged. An inspection is booked (the case goes into inspection) and the
 * applicant's invitation arrives over SMTP as text/calendar; method=REQUEST, a change sends the
 * next SEQUENCE, a cancellation METHOD:CANCEL; the result is recorded against the checklist with
 * a photo. Bad input gets a clear 400 at its field; residents never reach these pages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { publishForm } from '../src/applications/applications.js';
import type { FormDefinition } from '../src/applications/definition.js';
import { performCaseAction } from '../src/cases/actions.js';
import { deliverDue, emailChannel } from '../src/notifications/delivery.js';
import { smtpSender } from '../src/notifications/smtp.js';
import { formatInZone } from '../src/platform/time.js';
import { databasesUnderTest, signedInAs, startTownhall, type RunningTownhall } from './harness.js';
import { headerOf, partOf } from './notifications-mime.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';
import { sink } from './smtp-sink.js';
import { WebClient, type PageResponse } from './web-client.js';

const foodForm: FormDefinition = {
  title: 'Register a food business', summary: 'Register before you start.', whatYouNeed: [], howLong: '4 weeks.', eligibility: [], fees: [],
  pages: [{ id: 'business', title: 'The business', fields: [
    { id: 'business_name', type: 'text', label: 'Business name' },
    { id: 'address', type: 'address', label: 'Address where food is handled' },
  ] }],
  inspection: { checklist: [{ id: 'handwashing', label: 'Hand-washing basin with hot water' }, { id: 'fridge', label: 'Fridges at 8 °C or below' }] },
};

/** Unfolded content lines of an iCalendar object. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '').split('\r\n').filter(Boolean);
/** The raw text/calendar part of a raw message, with its headers. */
function calendarPart(raw: string): { headers: string; body: string } {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head.replace(/\r\n[ \t]+/g, ' '))![1]!;
  const part = raw.split(`--${boundary}`).find((p) => /content-type:\s*text\/calendar/i.test(p))!;
  const split = part.indexOf('\r\n\r\n');
  return { headers: part.slice(0, split).replace(/\r\n[ \t]+/g, ' '), body: partOf(part.replace(/^\r\n/, ''), 'text/calendar')! };
}

const staffClient = async (t: RunningTownhall, email: string, role: Parameters<typeof signedInAs>[2], department: string | null) => {
  const who = await signedInAs(t, email, role, department);
  const c = new WebClient(t.baseUrl);
  c.cookies.set('townhall_session', who.cookie.split('=')[1]!);
  c.csrf = who.csrf;
  return c;
};
const keyIn = (html: string, form: string) => new RegExp(`id="${form}"[\\s\\S]*?name="idempotency_key" value="([^"]+)"`).exec(html)?.[1] ?? '';
function expectFieldError(response: PageResponse, field: string, text: RegExp) {
  assert.equal(response.status, 400, response.html.slice(0, 2000));
  assert.match(response.html, new RegExp(`<a href="#${field}">`), `the summary links to #${field}`);
  assert.match(response.html, new RegExp(`id="${field}-error"`));
  assert.match(response.html, text);
}
/** A date N days from today in the council's zone. */
const inDays = (t: RunningTownhall, days: number) => formatInZone(new Date(Date.now() + days * 86_400_000).toISOString(), t.jurisdiction.timeZone).slice(0, 10);

for (const database of databasesUnderTest()) {
  describe(`consultations and inspections on an application (${database.name})`, () => {
    let t: RunningTownhall;
    const mail = sink();
    let smtpUrl = '';
    let reference = 0;
    let officer: WebClient;
    let highways: WebClient;
    let fire: WebClient;
    let officerId = 0;

    before(async () => {
      smtpUrl = await mail.listen();
      t = await startTownhall(database, { ...fixture, env: { SMTP_URL: smtpUrl, MAIL_FROM: 'Test Borough Council <noreply@council.example>' } });
      await publishForm(t.db, t.jurisdiction.id, GRAFFITI, foodForm, 'test');
      const c = new WebClient(t.baseUrl);
      await c.get(`/apply/${GRAFFITI}/eligibility`);
      const draft = (await c.post(`/apply/${GRAFFITI}/start`)).location!.split('/')[3]!;
      await c.get(`/apply/d/${draft}/page/business`);
      assert.equal((await c.post(`/apply/d/${draft}/page/business`, { business_name: 'Rosa’s Kitchen', address: '4 Mill Lane' })).status, 303);
      assert.equal((await c.post(`/apply/d/${draft}/details`, { applicant_name: 'Rosa Baker', applicant_email: 'rosa@example.org' })).status, 303);
      await c.get(`/apply/d/${draft}/check`);
      assert.equal((await c.post(`/apply/d/${draft}/check`)).status, 303);
      reference = Number(/<strong>(\d+)<\/strong>/.exec((await c.get(`/apply/d/${draft}/sent`)).html)![1]);

      officer = await staffClient(t, 'olu.officer@example.org', 'case_worker', 'licensing');
      highways = await staffClient(t, 'hana.highways@example.org', 'case_worker', 'highways');
      fire = await staffClient(t, 'fred.fire@example.org', 'case_worker', 'fire');
      officerId = (await t.db.selectFrom('users').select('id').where('role', '=', 'case_worker').orderBy('id').executeTakeFirstOrThrow()).id;
      const licensing = (await t.db.selectFrom('departments').select('id').where('code', '=', 'licensing').executeTakeFirstOrThrow()).id;
      const ctx = { jurisdictionId: t.jurisdiction.id, timeZone: t.jurisdiction.timeZone, notify: { keyring: t.keyring, publicUrl: t.baseUrl, council: t.jurisdiction.name } };
      const admin = { id: 'user:0', userId: null, role: 'system_admin' as const, departmentId: null };
      const row = await t.db.selectFrom('cases').select('department_id').where('id', '=', reference).executeTakeFirstOrThrow();
      if (row.department_id !== licensing) await performCaseAction(t.db, ctx, reference, { kind: 'move_department', departmentId: licensing, reason: 'Licensing works applications' }, admin, 'move-1');
      await performCaseAction(t.db, ctx, reference, { kind: 'transition', transition: 'check' }, admin, 'check-1');
    });
    after(async () => {
      await mail.close();
      await t?.close();
    });

    const state = async () => (await t.db.selectFrom('cases').select('state').where('id', '=', reference).executeTakeFirstOrThrow()).state;
    const actions = async (name: string) => t.db.selectFrom('case_actions').select(['description', 'actor', 'public']).where('case_id', '=', reference).where('action', '=', name).orderBy('id').execute();
    const audited = async (action: string) => t.db.selectFrom('audit_log').select('after').where('action', '=', action).where('entity_id', '=', String(reference)).execute();
    async function deliver() {
      const before = mail.accepted.length;
      const sender = smtpSender({ smtpUrl, from: 'Test Borough Council <noreply@council.example>' }, t.jurisdiction.name, { colour: null })!;
      const result = await deliverDue({ db: t.db, keyring: t.keyring, policy: { maxAttempts: 3, backoffBaseMs: 5, backoffCapMs: 20, leaseMs: 5_000 } }, [emailChannel(t.keyring, sender, 1000)], { batch: 100 });
      sender.close();
      assert.equal(result.failed + result.dead, 0);
      return mail.accepted.slice(before);
    }

    test('an officer asks highways; highways read the application and reply; the reply joins the case', async () => {
      const casePage = await officer.get(`/staff/requests/${reference}`);
      assert.equal(casePage.status, 200);
      assert.match(casePage.html, /Consultations and inspections/);
      const key = keyIn(casePage.html, 'ask-consultation');
      assert.ok(key, 'the ask form carries an idempotency key');
      const highwaysId = String((await t.db.selectFrom('departments').select('id').where('code', '=', 'highways').executeTakeFirstOrThrow()).id);

      const empty = await officer.post(`/staff/applications/${reference}/consultations`, { idempotency_key: key, department: '', question: '', due_on: '' });
      expectFieldError(empty, 'department', /Choose the department to ask/);
      assert.match(empty.html, /Write the question for the department/);
      assert.match(empty.html, /Give the date to reply by/);
      expectFieldError(await officer.post(`/staff/applications/${reference}/consultations`, { idempotency_key: key, department: highwaysId, question: 'Access for deliveries?', due_on: inDays(t, -1) }), 'due_on', /today or later/);
      expectFieldError(await officer.post(`/staff/applications/${reference}/consultations`, { idempotency_key: key, department: highwaysId, question: 'Q', due_on: '2027-02-30' }), 'due_on', /real date/);
      assert.equal((await t.db.selectFrom('application_consultations').select('id').execute()).length, 0, 'nothing half-written is kept');

      const asked = await officer.post(`/staff/applications/${reference}/consultations`, { idempotency_key: key, department: highwaysId, question: 'Can delivery vans stop on Mill Lane?', due_on: inDays(t, 10) });
      assert.equal(asked.status, 303, asked.html.slice(0, 1500));
      assert.equal((await officer.post(`/staff/applications/${reference}/consultations`, { idempotency_key: key, department: highwaysId, question: 'Can delivery vans stop on Mill Lane?', due_on: inDays(t, 10) })).status, 303);
      assert.equal((await t.db.selectFrom('application_consultations').select('id').execute()).length, 1, 'the same form sent twice asks once');
      assert.equal(await state(), 'consultation', 'the workflow\'s consult transition was taken');
      assert.equal((await actions('consultation_asked')).length, 1);
      assert.equal((await audited('application.consultation_asked')).length, 1);

      // Highways see it in their list; fire do not, and cannot open or answer it.
      const list = await highways.get('/staff/consultations');
      assert.equal(list.status, 200);
      assert.match(list.html, new RegExp(`Application ${reference}`));
      const id = /href="\/staff\/consultations\/(\d+)"/.exec(list.html)![1]!;
      assert.doesNotMatch((await fire.get('/staff/consultations')).html, new RegExp(`Application ${reference}`));
      assert.equal((await fire.get(`/staff/consultations/${id}`)).status, 403);
      await fire.get('/staff/consultations');
      assert.equal((await fire.post(`/staff/consultations/${id}/reply`, { reply: 'Fire says no' })).status, 403, 'another department cannot answer');
      assert.equal((await fire.get(`/staff/requests/${reference}`)).status, 403, 'nor open the case itself');

      const open = await highways.get(`/staff/consultations/${id}`);
      assert.equal(open.status, 200);
      for (const text of ['Can delivery vans stop on Mill Lane?', 'Rosa’s Kitchen', '4 Mill Lane']) assert.ok(open.html.includes(text), `the consultation page shows ${text}`);
      assert.ok(!open.html.includes('rosa@example.org'), 'the applicant\'s contact details are not shown to the department asked');
      expectFieldError(await highways.post(`/staff/consultations/${id}/reply`, { reply: '   ' }), 'reply', /Write your department/);
      assert.equal((await highways.post(`/staff/consultations/${id}/reply`, { reply: 'Yes, loading bay outside number 6, before 10:00.' })).status, 303);
      assert.equal((await highways.post(`/staff/consultations/${id}/reply`, { reply: 'Again' })).status, 409, 'answered once');

      const replies = await actions('consultation_reply');
      assert.equal(replies.length, 1);
      assert.match(replies[0]!.description!, /Reply from Highways.*loading bay outside number 6/i);
      assert.equal(replies[0]!.public, 0, 'an internal record: residents do not see it');
      assert.equal((await audited('application.consultation_replied')).length, 1);
      const after = await officer.get(`/staff/requests/${reference}`);
      assert.match(after.html, /loading bay outside number 6/);
      assert.doesNotMatch((await highways.get('/staff/consultations')).html, new RegExp(`Application ${reference}`), 'an answered consultation leaves the list');
    });

    test('an unanswered consultation past its date is flagged overdue', async () => {
      const highwaysId = (await t.db.selectFrom('departments').select('id').where('code', '=', 'highways').executeTakeFirstOrThrow()).id;
      const page = await officer.get(`/staff/requests/${reference}`);
      assert.equal((await officer.post(`/staff/applications/${reference}/consultations`, { idempotency_key: keyIn(page.html, 'ask-consultation'), department: String(highwaysId), question: 'Parking for the van?', due_on: inDays(t, 0) })).status, 303);
      assert.doesNotMatch((await highways.get('/staff/consultations')).html, /Overdue/);
      // The reply date passes.
      await t.db.updateTable('application_consultations').set({ due_on: inDays(t, -2) }).where('question', '=', 'Parking for the van?').execute();
      assert.match((await highways.get('/staff/consultations')).html, /1 overdue/);
      assert.match((await officer.get(`/staff/requests/${reference}`)).html, /Overdue/);
    });

    test('booking an inspection emails the applicant an iCalendar invitation over SMTP; a change and a cancellation follow it', async () => {
      await deliver();
      const page = await officer.get(`/staff/requests/${reference}`);
      const key = keyIn(page.html, 'book-inspection');
      const empty = await officer.post(`/staff/applications/${reference}/inspections`, { idempotency_key: key });
      for (const field of ['date', 'time', 'duration', 'place', 'inspector']) assert.match(empty.html, new RegExp(`id="${field}-error"`), `${field} is named`);
      assert.equal(empty.status, 400);
      const slot = { date: inDays(t, 14), time: '10:30', duration: '60', place: 'Rosa’s Kitchen, 4 Mill Lane; use the side door', inspector: String(officerId) };
      expectFieldError(await officer.post(`/staff/applications/${reference}/inspections`, { idempotency_key: key, ...slot, date: inDays(t, -3) }), 'date', /must be in the future/);
      expectFieldError(await officer.post(`/staff/applications/${reference}/inspections`, { idempotency_key: key, ...slot, time: '9.30am' }), 'time', /24-hour clock/);
      expectFieldError(await officer.post(`/staff/applications/${reference}/inspections`, { idempotency_key: key, ...slot, inspector: '999999' }), 'inspector', /Choose one of the staff/);
      assert.equal((await t.db.selectFrom('application_inspections').select('id').execute()).length, 0);

      assert.equal((await officer.post(`/staff/applications/${reference}/inspections`, { idempotency_key: key, ...slot })).status, 303);
      assert.equal(await state(), 'inspection', 'the workflow\'s inspect transition was taken');
      const inspection = await t.db.selectFrom('application_inspections').selectAll().executeTakeFirstOrThrow();
      assert.equal(inspection.sequence, 0);
      assert.equal((await audited('application.inspection_booked')).length, 1);

      const sent = (await deliver()).filter((m) => m.to.includes('rosa@example.org') && /inspection/i.test(m.subject));
      assert.equal(sent.length, 1, `one invitation: ${mail.accepted.map((m) => m.subject).join(' | ')}`);
      const raw = sent[0]!.raw;
      assert.match(headerOf(raw, 'Content-Type') ?? '', /multipart\/mixed/);
      assert.match(sent[0]!.text, /Rosa’s Kitchen, 4 Mill Lane; use the side door/);
      const { headers, body } = calendarPart(raw);
      assert.match(headers, /text\/calendar;.*method=REQUEST/i);
      assert.ok(!/[^\r]\n/.test(body), 'CRLF line ends only');
      for (const line of body.split('\r\n')) assert.ok(Buffer.byteLength(line, 'utf8') <= 75, `a line of ${Buffer.byteLength(line, 'utf8')} octets`);
      assert.ok(body.split('\r\n').some((l) => l.startsWith(' ')), 'the long lines are folded');
      const lines = unfold(body);
      const start = new Date(inspection.starts_at);
      const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      assert.equal(formatInZone(inspection.starts_at, t.jurisdiction.timeZone).slice(0, 16), `${slot.date}T10:30`, 'the slot is kept as the UTC instant of 10:30 local time');
      for (const expected of ['BEGIN:VCALENDAR', 'VERSION:2.0', 'METHOD:REQUEST', 'BEGIN:VEVENT', 'SEQUENCE:0', `DTSTART:${stamp(start)}`, `DTEND:${stamp(new Date(start.getTime() + 3_600_000))}`,
        'LOCATION:Rosa’s Kitchen\\, 4 Mill Lane\\; use the side door', 'STATUS:CONFIRMED', 'END:VEVENT', 'END:VCALENDAR']) assert.ok(lines.includes(expected), `has ${expected}: ${lines.join(' / ')}`);
      const uid = lines.find((l) => l.startsWith('UID:'))!;
      assert.equal(uid, `UID:inspection-${inspection.id}@127.0.0.1`);
      assert.ok(lines.some((l) => /^ORGANIZER;CN="Test Borough Council":mailto:noreply@council\.example$/.test(l)));
      assert.ok(lines.some((l) => l.startsWith('ATTENDEE;') && l.endsWith(':mailto:rosa@example.org')));

      // Moving it: the same UID, the next SEQUENCE.
      const inspectionPage = await officer.get(`/staff/inspections/${inspection.id}`);
      assert.equal(inspectionPage.status, 200);
      expectFieldError(await officer.post(`/staff/inspections/${inspection.id}/change`, { change_date: inDays(t, 15), change_time: '', change_duration: '90', change_place: 'x', change_inspector: String(officerId) }), 'change_time', /Give the time the inspection starts/);
      assert.equal((await officer.post(`/staff/inspections/${inspection.id}/change`, { change_date: inDays(t, 15), change_time: '14:00', change_duration: '90', change_place: '4 Mill Lane', change_inspector: String(officerId) })).status, 303);
      const [moved] = (await deliver()).filter((m) => m.to.includes('rosa@example.org'));
      const movedLines = unfold(calendarPart(moved!.raw).body);
      for (const expected of ['METHOD:REQUEST', 'SEQUENCE:1', uid]) assert.ok(movedLines.includes(expected), `the change has ${expected}`);
      assert.match(moved!.subject, /has changed/);

      // Cancelling it: METHOD:CANCEL, the same UID, the next SEQUENCE.
      expectFieldError(await officer.post(`/staff/inspections/${inspection.id}/cancel`, { cancel_reason: '' }), 'cancel_reason', /Say why/);
      assert.equal((await officer.post(`/staff/inspections/${inspection.id}/cancel`, { cancel_reason: 'The inspector is ill; we will book another day.' })).status, 303);
      const [cancelled] = (await deliver()).filter((m) => m.to.includes('rosa@example.org'));
      const { headers: cancelHeaders, body: cancelBody } = calendarPart(cancelled!.raw);
      assert.match(cancelHeaders, /method=CANCEL/i);
      const cancelLines = unfold(cancelBody);
      for (const expected of ['METHOD:CANCEL', 'STATUS:CANCELLED', 'SEQUENCE:2', uid]) assert.ok(cancelLines.includes(expected), `the cancellation has ${expected}`);
      assert.match(cancelled!.text, /The inspector is ill/);
      assert.equal((await officer.post(`/staff/inspections/${inspection.id}/cancel`, { cancel_reason: 'again' })).status, 409, 'a cancelled inspection is not cancelled again');
      assert.deepEqual((await actions('inspection_cancelled')).length, 1);
    });

    test('the inspector records the result on the phone page: checklist, photo, notes, outcome', async () => {
      const page = await officer.get(`/staff/requests/${reference}`);
      const slot = { date: inDays(t, 20), time: '09:00', duration: '45', place: '4 Mill Lane', inspector: String(officerId) };
      assert.equal((await officer.post(`/staff/applications/${reference}/inspections`, { idempotency_key: keyIn(page.html, 'book-inspection'), ...slot })).status, 303);
      const inspection = await t.db.selectFrom('application_inspections').selectAll().where('status', '=', 'booked').executeTakeFirstOrThrow();
      const phone = await officer.get(`/staff/inspections/${inspection.id}`);
      assert.match(phone.html, /Hand-washing basin with hot water/);
      assert.match(phone.html, /name="item_fridge" value="not_applicable"/);
      assert.match(phone.html, /class="inspection-record"/);

      const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 200, g: 200, b: 200 } } }).png().toBuffer();
      const notPhoto = await officer.postMultipart(`/staff/inspections/${inspection.id}/photos`, {}, { photo: { bytes: Buffer.from('not a photo at all'), filename: 'x.png', type: 'image/png' } });
      expectFieldError(notPhoto, 'photo', /must be a photo/);
      assert.equal((await officer.postMultipart(`/staff/inspections/${inspection.id}/photos`, {}, { photo: { bytes: png, filename: 'fridge.png', type: 'image/png' } })).status, 303);
      const withPhoto = await officer.get(`/staff/inspections/${inspection.id}`);
      const photoId = /href="\/staff\/attachments\/([A-Za-z0-9_-]{32})"/.exec(withPhoto.html)![1]!;
      assert.equal((await officer.get(`/staff/attachments/${photoId}`)).status, 200, 'the photo is served to the case\'s staff');
      assert.equal((await fire.get(`/staff/attachments/${photoId}`)).status, 403, 'and to no other department');

      const key = /name="idempotency_key" value="([^"]+)"/.exec(withPhoto.html)![1]!;
      const missing = await officer.post(`/staff/inspections/${inspection.id}/result`, { idempotency_key: key, item_handwashing: 'pass' });
      expectFieldError(missing, 'item_fridge', /Choose pass, fail or not applicable for: Fridges/);
      assert.match(missing.html, /value="pass" checked/, 'what was chosen is kept');
      expectFieldError(await officer.post(`/staff/inspections/${inspection.id}/result`, { idempotency_key: key, item_handwashing: 'pass', item_fridge: 'fail', outcome: 'pass' }), 'outcome', /cannot pass/);
      assert.equal((await officer.post(`/staff/inspections/${inspection.id}/result`, { idempotency_key: key, item_handwashing: 'pass', item_fridge: 'fail', outcome: 'fail', notes: 'Fridge at 11 °C.' })).status, 303);
      const done = await t.db.selectFrom('application_inspections').selectAll().where('id', '=', inspection.id).executeTakeFirstOrThrow();
      assert.deepEqual({ status: done.status, outcome: done.outcome, results: JSON.parse(done.results!) as unknown, photos: (JSON.parse(done.photos) as string[]).length },
        { status: 'done', outcome: 'fail', results: { handwashing: 'pass', fridge: 'fail' }, photos: 1 });
      const [result] = await actions('inspection_result');
      assert.match(result!.description!, /Inspection failed\. Failed: Fridges at 8 °C or below\. Notes: Fridge at 11 °C\./);
      assert.equal((await audited('application.inspection_recorded')).length, 1);
      assert.equal(await state(), 'under_review', 'the case is back under review');
      assert.equal((await officer.post(`/staff/inspections/${inspection.id}/result`, { idempotency_key: `${key}x`, item_handwashing: 'pass', item_fridge: 'pass', outcome: 'pass' })).status, 409);
    });

    test('residents and guests never reach these pages; read-only roles cannot act', async () => {
      const resident = await staffClient(t, 'rita.resident@example.org', 'resident', null);
      const consultation = (await t.db.selectFrom('application_consultations').select('id').executeTakeFirstOrThrow()).id;
      const inspection = (await t.db.selectFrom('application_inspections').select('id').executeTakeFirstOrThrow()).id;
      for (const path of ['/staff/consultations', `/staff/consultations/${consultation}`, `/staff/inspections/${inspection}`]) {
        assert.equal((await resident.get(path)).status, 403, `a resident: ${path}`);
        const guest = await new WebClient(t.baseUrl).get(path);
        assert.ok(guest.status === 303 || guest.status === 302 || guest.status === 401, `a guest is sent to sign in: ${path} ${guest.status}`);
      }
      await resident.get('/account');
      assert.equal((await resident.post(`/staff/applications/${reference}/consultations`, { department: '1', question: 'x', due_on: inDays(t, 3) })).status, 403);
      const analyst = await staffClient(t, 'ana.analyst@example.org', 'analyst', null);
      assert.equal((await analyst.post(`/staff/applications/${reference}/inspections`, { date: inDays(t, 3), time: '10:00', duration: '30', place: 'x', inspector: String(officerId) })).status, 403);
    });
  });
}
