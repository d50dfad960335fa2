/**
 * The application form editor in /admin/settings, through its pages (a browser without
 * JavaScript), on each database: a council officer creates a service, builds its form with a
 * condition and a repeatable group, fees and a translation, previews it (nothing is stored),
 * publishes it; an application started on version 1 keeps it when version 2 is published. Bad
 * input is refused at the field with a clear message, never a 500; only system administrators
 * may change forms; every change is audited.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { publishForm } from '../src/applications/applications.js';
import { verifyAuditChain } from '../src/audit/audit.js';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { fixture } from './open311/fixture-catalogue.js';
import { WebClient, type PageResponse } from './web-client.js';

const FORM = '/admin/settings/forms/market-stall';
const unescape = (html: string) => html.replace(/&amp;/g, '&').replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"');

function redirected(response: PageResponse, to: string | RegExp) {
  assert.equal(response.status, 303, `expected a redirect, got ${response.status}: ${response.html.slice(0, 3000)}`);
  if (typeof to === 'string') assert.equal(response.location, to);
  else assert.match(response.location ?? '', to);
}

/** A 400 page whose error summary links to the field, where the message also stands. */
function refusedAt(response: PageResponse, field: string, text: RegExp) {
  assert.equal(response.status, 400, response.html.slice(0, 3000));
  assert.match(response.html, new RegExp(`<a href="#${field}">`), `the summary links to #${field}`);
  assert.match(response.html, new RegExp(`id="${field}-error"`), `the message sits at ${field}`);
  assert.match(unescape(response.html), text);
}


for (const database of databasesUnderTest()) {
  describe(`the application form editor (${database.name})`, () => {
    let t: RunningTownhall;
    let admin: WebClient;
    before(async () => {
      t = await startTownhall(database, fixture);
      admin = await as('system_admin', null, 'forms.admin@council.example');
    });
    after(async () => t?.close());

    async function as(role: Role, department: string | null, email: string) {
      const user = await createUser(t.db, t.keyring, { email, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      await browser.get('/admin/settings');
      return browser;
    }
    const versions = async () => (await t.db.selectFrom('application_forms').select(['id', 'version', 'definition']).where('service_code', '=', 'market-stall').orderBy('version').execute());
    const audited = async (action: string) => (await t.db.selectFrom('audit_log').select(['actor', 'after']).where('action', '=', action).execute());

    test('a form is built with a condition and a repeatable group, previewed (storing nothing), published; an open application keeps version 1', async () => {
      const index = await admin.get('/admin/settings');
      assert.match(index.html, /href="\/admin\/settings\/forms"/, 'the settings index links to the form editor');
      await admin.get('/admin/settings/forms');
      refusedAt(await admin.post('/admin/settings/forms', { code: 'bad code!', name: 'Market stall licence', description: 'Trade from a stall.', groupCode: 'streets' }), 'code', /Enter a code of letters/);
      redirected(await admin.post('/admin/settings/forms', { code: 'market-stall', name: 'Market stall licence', description: 'Trade from a stall on the market.', groupCode: 'streets' }), FORM);
      assert.equal((await admin.post('/admin/settings/forms', { code: 'market-stall', name: 'Again', description: 'Again.', groupCode: 'streets' })).status, 400, 'a code in use is refused');

      const page = await admin.get(FORM);
      assert.equal(page.status, 200);
      assert.match(page.html, /Not published yet/);
      redirected(await admin.post(`${FORM}/details`, { title: 'Apply for a market stall licence', summary: 'Trade from a stall on the market.', whatYouNeed: 'A photo of the stall\nProof of insurance', howLong: 'Up to 2 weeks.' }), `${FORM}#details`);
      refusedAt(await admin.post(`${FORM}/details`, { title: '', summary: 'x', whatYouNeed: '', howLong: 'x' }), 'title', /Enter the form's title/);

      // The starter page "about" gets a choice; a second page shows only for agents; a third is a repeatable group.
      await admin.get(`${FORM}/pages/about`);
      refusedAt(await admin.post(`${FORM}/pages/about/fields`, { fieldId: 'Bad Id', fieldType: 'choice', fieldLabel: 'Who are you?' }), 'fieldId', /starts with a small letter/);
      refusedAt(await admin.post(`${FORM}/pages/about/fields`, { fieldId: 'details', fieldType: 'text', fieldLabel: 'Again' }), 'fieldId', /already used/);
      redirected(await admin.post(`${FORM}/pages/about/fields`, { fieldId: 'trader', fieldType: 'choice', fieldLabel: 'Who are you?' }), `${FORM}/pages/about/fields/trader`);
      await admin.get(`${FORM}/pages/about/fields/trader`);
      refusedAt(await admin.post(`${FORM}/pages/about/fields/trader`, { label: 'Who are you?', options: 'Owner Person: x', required: 'yes' }), 'options', /value \(before the colon\)/);
      redirected(await admin.post(`${FORM}/pages/about/fields/trader`, { label: 'Who are you?', hint: 'The person who holds the licence.', options: 'owner: The stall holder\nagent: An agent', required: 'yes' }), `${FORM}/pages/about#fields`);
      redirected(await admin.post(`${FORM}/pages/about/fields/move`, { field: 'trader', direction: 'up' }), `${FORM}/pages/about#fields`);

      await admin.get(FORM);
      refusedAt(await admin.post(`${FORM}/pages`, { pageId: 'about', pageTitle: 'Again', kind: 'fields' }), 'pageId', /already used/);
      refusedAt(await admin.post(`${FORM}/pages`, { pageId: 'move', pageTitle: 'Move', kind: 'fields' }), 'pageId', /a word the editor uses/);
      redirected(await admin.post(`${FORM}/pages`, { pageId: 'agent', pageTitle: 'The agent', kind: 'fields' }), `${FORM}/pages/agent`);
      await admin.get(`${FORM}/pages/agent`);
      redirected(await admin.post(`${FORM}/pages/agent/fields`, { fieldId: 'company', fieldType: 'text', fieldLabel: 'Company name' }), `${FORM}/pages/agent/fields/company`);
      refusedAt(await admin.post(`${FORM}/pages/agent`, { title: 'The agent', showField: 'trader', showValues: 'landlord' }), 'showValues', /has no answer "landlord"/);
      refusedAt(await admin.post(`${FORM}/pages/agent`, { title: 'The agent', showField: 'company', showValues: 'x' }), 'showField', /earlier page/);
      redirected(await admin.post(`${FORM}/pages/agent`, { title: 'The agent', section: 'About you', showField: 'trader', showValues: 'agent' }), `${FORM}/pages/agent`);

      await admin.get(FORM);
      refusedAt(await admin.post(`${FORM}/pages`, { pageId: 'stalls', pageTitle: 'Your stalls', kind: 'group', groupId: '', itemName: '' }), 'groupId', /group's id/);
      redirected(await admin.post(`${FORM}/pages`, { pageId: 'stalls', pageTitle: 'Your stalls', kind: 'group', groupId: 'stall', itemName: 'stall' }), `${FORM}/pages/stalls`);
      await admin.get(`${FORM}/pages/stalls`);
      refusedAt(await admin.post(`${FORM}/pages/stalls/fields`, { fieldId: 'photo', fieldType: 'file', fieldLabel: 'Photo' }), 'fieldType', /cannot be inside a repeatable group/);
      redirected(await admin.post(`${FORM}/pages/stalls/fields`, { fieldId: 'goods', fieldType: 'text', fieldLabel: 'What will you sell?' }), `${FORM}/pages/stalls/fields/goods`);
      redirected(await admin.post(`${FORM}/pages/stalls`, { title: 'Your stalls', itemName: 'stall', min: '1', max: '3' }), `${FORM}/pages/stalls`);

      // Eligibility and fees.
      await admin.get(FORM);
      redirected(await admin.post(`${FORM}/eligibility`, { questionId: 'food', question: 'Will you sell food?' }), `${FORM}/eligibility/food`);
      await admin.get(`${FORM}/eligibility/food`);
      refusedAt(await admin.post(`${FORM}/eligibility/food`, { question: 'Will you sell food?', options: 'yes: Yes => maybe' }), 'options', /after => write continue/);
      redirected(await admin.post(`${FORM}/eligibility/food`, { question: 'Will you sell food?', options: 'yes: Yes => continue\nno: No => other service bulky-waste: Non-food stalls register elsewhere.' }), `${FORM}#eligibility`);
      await admin.get(FORM);
      redirected(await admin.post(`${FORM}/eligibility`, { questionId: 'local', question: 'Do you live in the borough?' }), `${FORM}/eligibility/local`);
      redirected(await admin.post(`${FORM}/eligibility/move`, { question: 'local', direction: 'up' }), `${FORM}#eligibility`);
      await admin.get(FORM);
      refusedAt(await admin.post(`${FORM}/fees`, { effectiveFrom: '1 April' }), 'effectiveFrom', /written 2026-04-01/);
      redirected(await admin.post(`${FORM}/fees`, { effectiveFrom: '2025-04-01' }), `${FORM}/fees/2025-04-01`);
      await admin.get(`${FORM}/fees/2025-04-01`);
      refusedAt(await admin.post(`${FORM}/fees/2025-04-01/rules`, { kind: 'fixed', ruleLabel: 'Licence', amount: 'forty' }), 'amount', /amount in pounds/);
      redirected(await admin.post(`${FORM}/fees/2025-04-01/rules`, { kind: 'fixed', ruleLabel: 'Licence', amount: '40' }), `${FORM}/fees/2025-04-01`);
      redirected(await admin.post(`${FORM}/fees/2025-04-01/rules`, { kind: 'per_item', ruleLabel: 'Each extra stall', amount: '12.50', group: 'stall', free: '1' }), `${FORM}/fees/2025-04-01`);

      // A page with no questions stops publishing; the summary links to the page that needs one.
      await admin.get(FORM);
      redirected(await admin.post(`${FORM}/pages`, { pageId: 'empty', pageTitle: 'Nothing yet', kind: 'fields' }), `${FORM}/pages/empty`);
      await admin.get(FORM);
      const refused = await admin.post(`${FORM}/publish`);
      assert.equal(refused.status, 400, refused.html.slice(0, 2000));
      assert.match(refused.html, /class="error-summary"/);
      assert.match(refused.html, /href="\/admin\/settings\/forms\/market-stall\/pages\/empty">page 4: give at least one field\./);
      assert.equal((await versions()).length, 0, 'nothing published');
      redirected(await admin.post(`${FORM}/pages/remove`, { page: 'empty' }), `${FORM}#pages`);

      // The preview: the applicant's pages, marked, storing nothing.
      const drafts = async () => Number((await t.db.selectFrom('application_drafts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const draftsBefore = await drafts();
      const preview = await admin.get(`${FORM}/preview`);
      assert.equal(preview.status, 200);
      assert.match(preview.html, /Preview of the draft form/);
      const start = /href="(\/admin\/settings\/forms\/market-stall\/preview\/page\/about\?s=[^"]*)"/.exec(preview.html)![1]!;
      const about = await admin.get(unescape(start));
      assert.equal(about.status, 200);
      assert.match(about.html, /Preview of the draft form/);
      assert.match(about.html, /The person who holds the licence\./, 'the hint as the applicant sees it');
      assert.doesNotMatch(about.html, /\/apply\/d\//, 'nothing posts to a real application');
      const s = (html: string) => unescape(/name="s" value="([^"]*)"/.exec(html)![1]!);
      const missing = await admin.post(`${FORM}/preview/page/about`, { s: s(about.html), details: 'Fruit and vegetables' });
      assert.equal(missing.status, 400);
      assert.match(missing.html, /<a href="#trader">/);
      const toAgent = await admin.post(`${FORM}/preview/page/about`, { s: s(about.html), trader: 'agent', details: 'Fruit and vegetables' });
      redirected(toAgent, /\/preview\/page\/agent\?s=/);
      const agent = await admin.follow(toAgent);
      assert.match(agent.html, /Company name/, 'the page shown for agents');
      const toStalls = await admin.post(`${FORM}/preview/page/agent`, { s: s(agent.html), company: 'Green Grocers Ltd' });
      redirected(toStalls, /\/preview\/page\/stalls\?s=/);
      const stalls = await admin.follow(toStalls);
      const tooFew = await admin.post(`${FORM}/preview/page/stalls`, { s: s(stalls.html), done: 'yes' });
      assert.equal(tooFew.status, 400, 'the group needs one stall');
      const added = await admin.follow(await admin.post(`${FORM}/preview/page/stalls`, { s: s(stalls.html), add: 'yes', goods: 'Apples' }));
      const withTwo = await admin.follow(await admin.post(`${FORM}/preview/page/stalls`, { s: s(added.html), add: 'yes', goods: 'Pears' }));
      assert.match(withTwo.html, /Pears/);
      const check = await admin.follow(await admin.post(`${FORM}/preview/page/stalls`, { s: s(withTwo.html), done: 'yes' }));
      assert.equal(check.status, 200, check.html.slice(0, 2000));
      assert.match(check.html, /Green Grocers Ltd/);
      assert.match(check.html, /Apples/);
      assert.match(check.html, /£52\.50/, 'the fee: £40 and one extra stall at £12.50');
      const sent = await admin.post(`${FORM}/preview/check`, { s: s(check.html) });
      assert.match(sent.html, /Nothing was sent/);
      assert.equal(await drafts(), draftsBefore, 'the preview made no application draft');
      assert.equal((await versions()).length, 0, 'the preview published nothing');

      // Publish version 1; an application starts on it.
      await admin.get(FORM);
      redirected(await admin.post(`${FORM}/publish`), `${FORM}?published=1`);
      assert.deepEqual((await versions()).map((v) => v.version), [1]);
      const v1 = JSON.parse((await versions())[0]!.definition) as { pages: Array<{ id: string; showWhen?: unknown; group?: { id: string } }> };
      assert.deepEqual(v1.pages.map((p) => p.id), ['about', 'agent', 'stalls']);
      assert.deepEqual(v1.pages[1]!.showWhen, { field: 'trader', in: ['agent'] });
      assert.equal(v1.pages[2]!.group!.id, 'stall');
      assert.deepEqual((v1 as unknown as { eligibility: Array<{ id: string }> }).eligibility.map((q) => q.id), ['local', 'food'], 'moved up');
      assert.match((await admin.get(FORM)).html, /There is no draft/);

      const applicant = new WebClient(t.baseUrl);
      await applicant.get('/apply/market-stall/eligibility');
      const started = await applicant.post('/apply/market-stall/start');
      redirected(started, /^\/apply\/d\/[0-9a-f-]{36}\/page\/about$/);
      const draftId = started.location!.split('/')[3]!;
      assert.match((await applicant.get(`/apply/d/${draftId}/page/about`)).html, /Who are you\?/);

      // Version 2 changes the question and adds Spanish words; the open application keeps version 1.
      redirected(await admin.post(`${FORM}/draft`), FORM);
      await admin.get(`${FORM}/pages/about/fields/trader`);
      redirected(await admin.post(`${FORM}/pages/about/fields/trader`, { label: 'Who holds the licence?', options: 'owner: The stall holder\nagent: An agent', required: 'yes' }), `${FORM}/pages/about#fields`);
      const spanish = await admin.get(`${FORM}/translations/es`);
      assert.match(spanish.html, /English: Apply for a market stall licence/);
      redirected(await admin.post(`${FORM}/translations/es`, { w0: 'Solicitar una licencia de puesto' }), `${FORM}/translations/es`);
      await admin.get(FORM);
      redirected(await admin.post(`${FORM}/publish`), `${FORM}?published=2`);
      const [first, second] = await versions();
      assert.equal(JSON.parse(second!.definition).translations.es.title, 'Solicitar una licencia de puesto');
      const open = await t.db.selectFrom('application_drafts').select('form_id').where('id', '=', draftId).executeTakeFirstOrThrow();
      assert.equal(open.form_id, first!.id, 'the open application is still on version 1');
      const openPage = await applicant.get(`/apply/d/${draftId}/page/about`);
      assert.match(openPage.html, /Who are you\?/);
      assert.doesNotMatch(openPage.html, /Who holds the licence\?/);
      const fresh = new WebClient(t.baseUrl);
      await fresh.get('/apply/market-stall/eligibility');
      const newer = await fresh.follow(await fresh.post('/apply/market-stall/start'));
      assert.match(newer.html, /Who holds the licence\?/, 'a new application starts on version 2');

      // Audited, and the chain holds.
      assert.ok((await audited('application_form.draft_changed')).length >= 10);
      const published = await audited('application_form.published');
      assert.equal(published.length, 2);
      assert.ok(published.every((a) => /^user:\d+$/.test(a.actor)), 'published by the signed-in officer');
      assert.equal((await verifyAuditChain(t.db)).ok, true);
    });

    test('publishing is one step that refuses a draft changed since it was opened, or copied from an older version: 409, saying what to do', async () => {
      const other = await as('system_admin', null, 'forms.other@council.example');
      const revisionOf = (html: string) => /name="revision" value="([^"]+)"/.exec(html)![1]!;
      const before = (await versions()).length;
      redirected(await admin.post(`${FORM}/draft`), FORM);
      const opened = revisionOf((await admin.get(FORM)).html);
      // Another administrator changes the draft after the first one opened it: they name the licence.
      await other.get(FORM);
      redirected(await other.post(`${FORM}/details`, { title: 'Apply for a market stall licence', summary: 'Trade from a stall.', whatYouNeed: '', howLong: '2 weeks', licenceName: 'Market stall licence', licencePermits: 'Trading from one pitch' }), /market-stall#details$/);
      const stale = await admin.post(`${FORM}/publish`, { revision: opened });
      assert.equal(stale.status, 409, stale.html.slice(0, 2000));
      assert.match(unescape(stale.html), /The draft was changed by user:\d+ at .* UTC, after you opened it\. Reload the form's page/);
      assert.equal((await versions()).length, before, 'nothing published');
      redirected(await admin.post(`${FORM}/publish`, { revision: revisionOf((await admin.get(FORM)).html) }), `${FORM}?published=${before + 1}`);
      const published = JSON.parse((await versions()).at(-1)!.definition);
      assert.deepEqual([published.licenceName, published.licencePermits], ['Market stall licence', 'Trading from one pitch']);
      assert.equal((await other.post(`${FORM}/publish`, { revision: opened })).status, 409, 'the draft is gone: publishing it again is refused');

      // A draft copied from a version that is no longer the newest would undo the newer one.
      redirected(await admin.post(`${FORM}/draft`), FORM);
      await publishForm(t.db, t.jurisdiction.id, 'market-stall', { ...published, howLong: '3 weeks' }, 'test');
      const behind = await admin.post(`${FORM}/publish`, { revision: revisionOf((await admin.get(FORM)).html) });
      assert.equal(behind.status, 409, behind.html.slice(0, 2000));
      assert.match(unescape(behind.html), new RegExp(`Version ${before + 2} was published after this draft was copied from version ${before + 1}`));
      assert.equal((await versions()).length, before + 2);
      redirected(await admin.post(`${FORM}/discard`), FORM);
    });

    test('bad definitions are refused with clear messages: as JSON, and never a 500', async () => {
      await admin.get('/admin/settings/forms');
      redirected(await admin.post('/admin/settings/forms', { code: 'pavement-cafe', name: 'Pavement café licence', description: 'Tables and chairs outside.', groupCode: 'streets' }), '/admin/settings/forms/pavement-cafe');
      const json = await admin.get('/admin/settings/forms/pavement-cafe/json');
      assert.equal(json.status, 200);
      const notJson = await admin.post('/admin/settings/forms/pavement-cafe/json', { definition: '{"title": ' });
      assert.equal(notJson.status, 400);
      assert.match(notJson.html, /The text is not JSON/);
      assert.match(notJson.html, /<a href="#definition">/);
      const definition = {
        title: 'Apply', summary: 'Tables outside.', whatYouNeed: [], howLong: '2 weeks', eligibility: [], fees: [],
        pages: [
          { id: 'where', title: 'Where', showWhen: { field: 'later', in: ['yes'] }, fields: [{ id: 'street', type: 'text', label: 'Street' }] },
          { id: 'more', title: 'More', fields: [{ id: 'later', type: 'yes_no', label: 'Later?' }, { id: 'kind', type: 'choice', label: 'Kind' }] },
        ],
      };
      const bad = await admin.post('/admin/settings/forms/pavement-cafe/json', { definition: JSON.stringify(definition) });
      assert.equal(bad.status, 400);
      assert.match(unescape(bad.html), /page 1 showWhen: the condition looks at "later", which is not a field on an earlier page\./);
      assert.match(unescape(bad.html), /page 2 field 2 \(kind\): give 1 to 100 options/);
      const good = { ...definition, pages: [definition.pages[1]!, { ...definition.pages[0]!, showWhen: { field: 'later', in: ['yes'] } }] };
      good.pages[0] = { ...good.pages[0]!, fields: [good.pages[0]!.fields[0]!] };
      redirected(await admin.post('/admin/settings/forms/pavement-cafe/json', { definition: JSON.stringify(good) }), '/admin/settings/forms/pavement-cafe');
      assert.equal((await admin.get('/admin/settings/forms/pavement-cafe/pages/where')).status, 200);
      for (const path of ['/admin/settings/forms/nothing-here', '/admin/settings/forms/pavement-cafe/pages/nope', '/admin/settings/forms/pavement-cafe/pages/where/fields/nope',
        '/admin/settings/forms/pavement-cafe/fees/2020-01-01', '/admin/settings/forms/pavement-cafe/translations/xx', '/admin/settings/forms/pavement-cafe/preview/page/nope']) {
        assert.equal((await admin.get(path)).status, 404, path);
      }
      const damaged = await admin.get('/admin/settings/forms/pavement-cafe/preview/page/more?s=%%%not-base64');
      assert.equal(damaged.status, 200, 'a damaged preview link starts with no answers');
      assert.equal((await admin.get(`/admin/settings/forms/pavement-cafe/preview/page/more?s=${'a'.repeat(7000)}`)).status, 400);
      assert.equal((await admin.post('/admin/settings/forms/pavement-cafe/pages/move', { page: 'gone', direction: 'up' })).status, 400);
      redirected(await admin.post('/admin/settings/forms/pavement-cafe/discard'), '/admin/settings/forms/pavement-cafe');
      assert.equal((await admin.post('/admin/settings/forms/pavement-cafe/publish')).status, 404, 'no draft to publish');
    });

    test('only system administrators open or change the form editor', async () => {
      const worker = await as('case_worker', 'public-works', 'forms.worker@council.example');
      const departmentAdmin = await as('department_admin', 'public-works', 'forms.deptadmin@council.example');
      for (const browser of [worker, departmentAdmin]) {
        assert.equal((await browser.get('/admin/settings/forms')).status, 403);
        assert.equal((await browser.get(`${FORM}/preview`)).status, 403);
        assert.equal((await browser.post(`${FORM}/draft`)).status, 403);
      }
      assert.doesNotMatch((await departmentAdmin.get('/admin/settings')).html, /href="\/admin\/settings\/forms"/);
      const anonymous = new WebClient(t.baseUrl);
      assert.match((await anonymous.get('/admin/settings/forms')).location ?? '', /^\/sign-in\?next=/);
      assert.equal((await t.db.selectFrom('application_form_drafts').selectAll().where('service_code', '=', 'market-stall').execute()).length, 0, 'no one else started a draft');
    });
  });
}
