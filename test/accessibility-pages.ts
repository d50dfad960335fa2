/**
 * Every web page, in a real browser: axe finds no WCAG 2.2 A/AA violations, the page works at
 * 320 CSS pixels wide without sideways scrolling, and it runs no script of its own. Pages
 * render the same on either database, so this runs on SQLite only. Shared by two test files
 * (English; the other languages) so that two test workers share the work.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../src/identity/roles.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { feedbackKey } from '../src/notifications/feedback-links.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { confirmGuestFollow, requestGuestFollow } from '../src/cases/guest-followers.js';
import type { Language } from '../src/i18n/languages.js';
import { axeViolations, launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture, GRAFFITI } from './open311/fixture-catalogue.js';

export function describePagesAccessible(title: string, languages: Language[]): void {
  void describe(title, () => {
    let t: RunningTownhall;
    let browser: Browser;
    let context: BrowserContext;
    let tab: Page | undefined;
    let caseId = '';
    // A closed case and its reporter's feedback link (portal: feedback).
    let feedbackPath = '';
    // The link a guest is emailed to follow the open case by email (portal: track).
    let confirmPath = '';
    let usedPath = '';
    const sessions = new Map<Role, string>();

    before(async () => {
      t = await startTownhall({ name: 'sqlite' }, fixture);
      await t.db.updateTable('services').set({ department_code: 'public-works' }).where('code', '=', GRAFFITI).execute();
      const created = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '1 High Street', email: 'rita@example.org', first_name: 'Rita' }),
      });
      caseId = ((await created.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
      const toClose = await fetch(`${t.baseUrl}/open311/v2/requests.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, address_string: '2 High Street', email: 'rita@example.org' }),
      });
      const closedId = ((await toClose.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
      const closing = await fetch(`${t.baseUrl}/open311/v2/servicerequestupdates.json`, {
        method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, update_id: 'a11y-close', service_request_id: closedId, status: 'CLOSED', updated_datetime: new Date().toISOString(), description: 'Cleaned off' }),
      });
      const closingActionId = Number(((await closing.json()) as Array<{ update_id: string }>)[0]!.update_id);
      feedbackPath = `/requests/${closedId}/feedback?key=${feedbackKey(t.keyring, Number(closedId), closingActionId)}`;
      // Two links a guest was emailed to follow the open case: one waiting to be used, one used (it then says so).
      const followLink = async (email: string) => {
        await requestGuestFollow(t.db, t.keyring, { publicUrl: t.baseUrl, council: t.jurisdiction.name }, { jurisdictionId: t.jurisdiction.id, caseId: Number(caseId), email, language: 'en', client: '192.0.2.1' });
        const queued = await t.db.selectFrom('outbox').select('payload').orderBy('id', 'desc').executeTakeFirstOrThrow();
        const link = new URL(/https?:\/\/\S+\/follow\/confirm\?token=\S+/.exec(openQueuedEmail(t.keyring, JSON.parse(queued.payload)).text)![0]);
        return { path: `${link.pathname}${link.search}`, token: link.searchParams.get('token')! };
      };
      confirmPath = (await followLink('guest@example.org')).path;
      const used = await followLink('guest.following@example.org');
      await confirmGuestFollow(t.db, used.token);
      usedPath = used.path;
      for (const [role, department] of [['resident', null], ['case_worker', 'public-works'], ['system_admin', null]] as const) {
        const user = await createUser(t.db, t.keyring, { email: `${role}@example.org`, role, departmentCode: department }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
        const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true, device: 'Chrome on Linux' });
        sessions.set(role, token);
        // A second session, so the account page shows its "Sign out" button (with hidden text).
        if (role === 'resident') await startSession(t.db, Number(user.id), { limits: limitsFor(role), secondFactor: true, device: 'Firefox on Android' });
      }
      const pending = await createUser(t.db, t.keyring, { email: 'new.staff@example.org', role: 'analyst' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      sessions.set('analyst', (await startSession(t.db, Number(pending.id), { limits: limitsFor('analyst'), secondFactor: false })).token);
      // Enough reports for a second page of /reports (portal: track, public reports, account cases).
      for (let i = 0; i < 26; i++) {
        await fetch(`${t.baseUrl}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: t.apiKey, service_code: GRAFFITI, lat: '51.5', long: '-0.1', address_string: `${i} Low Road` }) });
      }
      // The resident reported the closed case and follows the open one, so "Your reports" has both tables.
      const resident = await t.db.selectFrom('users').select('id').where('role', '=', 'resident').executeTakeFirstOrThrow();
      await t.db.insertInto('case_followers').values([
        { case_id: Number(caseId), user_id: resident.id, reason: 'follower', created_at: new Date().toISOString() },
        { case_id: Number(feedbackPath.split('/')[2]), user_id: resident.id, reason: 'reporter', created_at: new Date().toISOString() },
      ]).execute();
      browser = await launchBrowser();
      // axe is injected by the test; the page's own CSP would (rightly) refuse it. No service
      // worker: one registered by an earlier page must not answer for the next.
      context = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block', viewport: { width: 320, height: 640 } });
    });
    after(async () => {
      await browser?.close();
      await t.close();
    });

    const pages: Array<{ path: string; as?: Role; name: string; post?: Record<string, string> }> = [
      { name: 'home page', path: '/' },
      { name: 'sign-in', path: '/sign-in' },
      { name: 'sign-in with errors', path: '/sign-in', post: { email: '', password: '' } },
      { name: 'authenticator enrolment (QR code)', path: '/sign-in/second-factor', as: 'analyst' },
      { name: 'set a password', path: '/account/set-password?token=x' },
      { name: 'create an account', path: '/register' },
      { name: 'create an account with errors', path: '/register', post: { email: 'not an email', password: 'short' } },
      { name: 'forgotten password', path: '/account/reset-password' },
      { name: 'choose a new password', path: '/account/reset-password/choose?token=x' },
      { name: 'ask for a sign-in link', path: '/sign-in/email-link' },
      { name: 'use a sign-in link', path: '/sign-in/email-link/confirm?token=x' },
      { name: 'confirm an email address', path: '/account/verify-email?token=x' },
      { name: 'page not found', path: '/no/such/page' },
      { name: 'resident account', path: '/account', as: 'resident' },
      { name: 'close account', path: '/account/close', as: 'resident' },
      { name: 'change password', path: '/account/password', as: 'resident' },
      { name: 'staff workspace', path: '/staff', as: 'case_worker' },
      { name: 'a case', path: '/staff/requests/CASE', as: 'case_worker' },
      { name: 'a reporter\'s contact details', path: '/staff/requests/CASE/contact', as: 'case_worker' },
      { name: 'your name in the workspace', path: '/staff/name', as: 'case_worker' },
      { name: 'administration', path: '/admin', as: 'system_admin' },
      { name: 'subject access request', path: '/admin/privacy', as: 'system_admin' },
      { name: 'webhooks', path: '/admin/webhooks', as: 'system_admin' },
      { name: 'webhooks: add one with errors', path: '/admin/webhooks', as: 'system_admin', post: { name: '', url: 'not an address' } },
      { name: 'refused (403)', path: '/admin', as: 'resident' },
      // ==== portal: home, info pages, catalogue ====
      { name: 'all services', path: '/services' },
      { name: 'search results', path: '/search?q=pothole' },
      { name: 'search with no results', path: '/search?q=zzzz' },
      { name: 'a service page', path: '/services/007-pothole' },
      { name: 'accessibility statement', path: '/accessibility' },
      { name: 'privacy notice', path: '/privacy' },
      { name: 'open data', path: '/open-data' },
      { name: 'open data settings', path: '/admin/settings/open-data', as: 'system_admin' },
      // ==== portal: report journey ====
      // (Nearby reports, photo errors, contact details and "check your answers" are axe-checked in test/report-journey-browser.e2e.test.ts.)
      { name: 'report: choose a service', path: '/report/new' },
      { name: 'report: choose a service with errors', path: '/report/new', post: {} },
      { name: 'report: where is the problem', path: '/report/new?service=graffiti' },
      { name: 'report: where is the problem with errors', path: '/report/new?service=graffiti', post: { q: '' } },
      { name: 'report: place search without a match', path: '/report/new?service=graffiti', post: { q: 'Nowhere at all' } },
      { name: 'report: details', path: '/report/new?service=007-pothole&lat=51.5&long=-0.14' },
      { name: 'report: details with errors', path: '/report/new?service=007-pothole&lat=51.5&long=-0.14', post: { 'q-road_name': '', 'q-depth_cm': 'deep' } },
      { name: 'report: photos', path: '/report/new?service=graffiti&lat=51.5&long=-0.14', post: { description: 'Paint on the wall' } },
      { name: 'report: start again', path: '/report/check' },
      { name: 'report: sent', path: '/report/done/CASE' },
      // ==== portal: media, assets, offline ====
      { name: 'offline report form', path: '/offline' },
      { name: 'offline report form with errors', path: '/offline', post: { description: '' } },
      // ==== portal: track, public reports, account cases ====
      { name: 'track a report', path: '/requests/CASE' },
      { name: 'track a report, signed in', path: '/requests/CASE', as: 'resident' },
      { name: 'track a closed report', get path() { return feedbackPath.split('/feedback')[0]!; } },
      { name: 'track a report: follow by email with errors', path: '/requests/CASE', post: { email: 'not-an-email' } },
      { name: 'follow by email: check your email', path: '/requests/CASE', post: { email: 'someone@example.org' } },
      { name: 'follow by email: the emailed link', get path() { return confirmPath; } },
      { name: 'follow by email: already following', get path() { return usedPath; } },
      { name: 'follow by email: a link that no longer works', path: '/follow/confirm?token=not-a-token-we-ever-sent' },
      { name: 'public reports', path: '/reports' },
      { name: 'public reports, filtered', path: '/reports?service=graffiti&status=open' },
      { name: 'public reports, an unknown filter ignored', path: '/reports?status=bogus&area=x' },
      { name: 'public reports, page 2', path: '/reports?page=2' },
      { name: 'your reports', path: '/account/requests', as: 'resident' },
      { name: 'email choices', path: '/account/notifications', as: 'resident' },
      { name: 'email choices, saved', path: '/account/notifications', as: 'resident', post: {} },
      // ==== emergency alert subscriptions ====
      { name: 'alert subscription form', path: '/alerts/subscribe' },
      { name: 'alert subscription form, places found', path: '/alerts/subscribe?q=Market' },
      { name: 'alert subscription form with errors', path: '/alerts/subscribe', post: {} },
      { name: 'alert subscription: enter the texted code', path: '/alerts/subscribe/code?s=1' },
      { name: 'alert subscription: the emailed link', path: '/alerts/subscribe/confirm?token=not-a-token-we-ever-sent' },
      { name: 'alerts: a stop link that does not work', path: '/alerts/unsubscribe/s.1.00000000000000000000000000000000' },
      { name: 'your emergency alerts', path: '/account/alerts', as: 'resident' },
      // ==== portal: feedback ====
      { name: 'feedback when a case closes', get path() { return feedbackPath; } },
      { name: 'feedback when a case closes, with errors', get path() { return feedbackPath; }, post: {} },
      { name: 'feedback refused (no key)', get path() { return feedbackPath.split('?')[0]!; } },
    ];

    const staffTool = (page: { as?: Role }) => page.as !== undefined && page.as !== 'resident';
    // Staff tools are checked in English only (they are not translated yet).
    const runs = pages.flatMap((page) => (staffTool(page) ? languages.filter((l) => l.code === 'en') : languages).map((language) => ({ page, language })));

    for (const { page, language } of runs) {
      void test(`${page.name}${language.code === 'en' ? '' : ` (${language.code})`}: no WCAG 2.2 AA violations, fits 320 px, scripts only from /assets/`, async () => {
        // One browser profile and one tab for the walk, emptied of cookies and storage between
        // pages: a page starts as a new visitor (or the signed-in role) in its language, and the
        // tab's renderer keeps axe compiled, which more than halves the walk's time.
        await context.clearCookies();
        if (page.as) await context.addCookies([{ name: 'townhall_session', value: sessions.get(page.as)!, url: t.baseUrl }]);
        await context.addCookies([{ name: 'townhall_lang', value: language.code, url: t.baseUrl }]);
        if (!tab || tab.isClosed()) tab = await context.newPage();
        const path = page.path.replace('CASE', caseId);
        await tab.goto(`${t.baseUrl}${path}`);
        if (page.post) {
          for (const [name, value] of Object.entries(page.post)) await tab.fill(`[name="${name}"]`, value);
          await tab.click('main button[type="submit"]');
          await tab.waitForLoadState();
        }
        const seen = await tab.evaluate(() => ({
          scripts: [...document.querySelectorAll('script')].map((n) => n.getAttribute('src') ?? 'inline'),
          lang: document.documentElement.getAttribute('lang'),
          dir: document.documentElement.getAttribute('dir'),
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        }));
        // Scripts only from this site's /assets/ (progressive enhancement), never inline.
        assert.ok(seen.scripts.every((src) => src.startsWith('/assets/')), `scripts: ${seen.scripts.join(', ')}`);
        assert.equal(seen.lang, language.code);
        assert.equal(seen.dir, language.dir);
        assert.ok(seen.overflow <= 0, `${path} scrolls sideways by ${seen.overflow}px at 320px wide`);
        const problems = await axeViolations(tab);
        assert.deepEqual(problems, [], `${path}`);
        await tab.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
      });
    }
  });
}
