/** The language layer over HTTP: choosing by link, remembering, Accept-Language, the switcher. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { limitsFor, startSession } from '../identity/sessions.js';
import { createUser } from '../identity/users.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from '../../test/harness.js';
import { WebClient } from '../../test/web-client.js';

const htmlTag = (html: string) => /<html[^>]*>/.exec(html)?.[0] ?? '';

for (const database of databasesUnderTest()) {
  describe(`languages on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { services: [], groups: [] });
    });
    after(() => t.close());

    test('a link with ?lang=ar gives an Arabic, right-to-left page, remembered without the link', async () => {
      const browser = new WebClient(t.baseUrl);
      const chosen = await browser.get('/sign-in?lang=ar');
      assert.equal(chosen.status, 200);
      assert.equal(htmlTag(chosen.html), '<html lang="ar" dir="rtl">');
      assert.match(chosen.html, /<h1>تسجيل الدخول<\/h1>/);
      assert.equal(chosen.headers.get('content-language'), 'ar');
      assert.equal(chosen.headers.getSetCookie().filter((c) => c.startsWith('townhall_lang=')).length, 1);
      const cookie = chosen.headers.getSetCookie().find((c) => c.startsWith('townhall_lang='));
      assert.ok(cookie, 'the choice is remembered in a cookie');
      assert.match(cookie, /^townhall_lang=ar; Path=\/;.*SameSite=Lax/);
      assert.match(cookie, /Max-Age=\d+/);
      assert.doesNotMatch(cookie, /Secure/, 'plain http cannot carry a Secure cookie');

      const later = await browser.get('/sign-in');
      assert.equal(htmlTag(later.html), '<html lang="ar" dir="rtl">');
      assert.equal(later.headers.getSetCookie().filter((c) => c.startsWith('townhall_lang=')).length, 0, 'no need to set it again');

      // A form's errors, in the same language.
      const errors = await browser.post('/sign-in', { email: '', password: '' });
      assert.equal(errors.status, 400);
      assert.match(errors.html, /هناك مشكلة/);
      assert.match(errors.html, /خطأ: أدخل عنوان بريدك الإلكتروني/);

      // Choosing again by link changes the remembered language.
      const back = await browser.get('/sign-in?lang=en');
      assert.equal(htmlTag(back.html), '<html lang="en" dir="ltr">');
      assert.equal(browser.cookie('townhall_lang'), 'en');
    });

    test('Accept-Language gives Spanish; an unsupported ?lang= is ignored', async () => {
      const page = await fetch(`${t.baseUrl}/register`, { headers: { accept: 'text/html', 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' } });
      const html = await page.text();
      assert.equal(htmlTag(html), '<html lang="es" dir="ltr">');
      assert.match(html, /<h1>Crear una cuenta<\/h1>/);
      assert.match(page.headers.get('vary') ?? '', /Accept-Language/);
      assert.ok(!page.headers.getSetCookie().some((c) => c.startsWith('townhall_lang=')), 'a header is not a choice: nothing is remembered');

      const unknown = await fetch(`${t.baseUrl}/register?lang=xx`, { headers: { accept: 'text/html', 'accept-language': 'es' } });
      assert.equal(htmlTag(await unknown.text()), '<html lang="es" dir="ltr">');
    });

    test('the switcher links to the same page in each other language, with hreflang and lang, and marks the current one', async () => {
      const page = await new WebClient(t.baseUrl).get('/account/set-password?token=abc&lang=es');
      const switcher = /<nav class="languages"[^>]*>(.*?)<\/nav>/.exec(page.html)?.[1] ?? '';
      assert.match(page.html, /<nav class="languages" aria-label="Idioma">/);
      assert.match(switcher, /<a href="\/account\/set-password\?token=abc&amp;lang=en" hreflang="en" lang="en" dir="ltr">English<\/a>/);
      assert.match(switcher, /<a href="\/account\/set-password\?token=abc&amp;lang=ar" hreflang="ar" lang="ar" dir="rtl">العربية<\/a>/);
      assert.match(switcher, /<span aria-current="true" lang="es" dir="ltr">Español<\/span>/);
      assert.doesNotMatch(switcher, /href="[^"]*lang=es"/, 'the current language is not a link');
      for (const path of ['/', '/sign-in', '/register', '/no/such/page']) {
        const html = (await new WebClient(t.baseUrl).get(path)).html;
        assert.equal((html.match(/hreflang="(es|ar)" lang="\1"/g) ?? []).length, 2, `${path} has the switcher`);
      }
    });

    test('error pages and the messages of other code are translated', async () => {
      const missing = await new WebClient(t.baseUrl).get('/no/such/page?lang=es');
      assert.equal(missing.status, 404);
      assert.match(missing.html, /<h1>No se encuentra la página<\/h1>/);
      assert.match(missing.html, /Si escribió la dirección web/);

      const browser = new WebClient(t.baseUrl);
      await browser.get('/register?lang=ar');
      const refused = await browser.post('/register', { email: 'rosa@example.org', password: 'x', _csrf: 'forged' });
      assert.equal(refused.status, 403);
      assert.match(refused.html, /انتهت صلاحية هذا النموذج/);
      await browser.get('/register');
      const weak = await browser.post('/register', { email: 'not an email', password: 'short' });
      assert.match(weak.html, /أدخل عنوان بريد إلكتروني بالصيغة الصحيحة/);
      assert.match(weak.html, /استخدم 8 أحرف على الأقل/);
    });

    test('a choice by link is remembered even when the page redirects', async () => {
      const resident = await createUser(t.db, t.keyring, { email: 'rosa@example.org', role: 'resident' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', (await startSession(t.db, Number(resident.id), { limits: limitsFor('resident'), secondFactor: true })).token);
      const redirected = await browser.get('/sign-in?lang=ar');
      assert.equal(redirected.status, 303);
      assert.equal(browser.cookie('townhall_lang'), 'ar');
      const account = await browser.follow(redirected);
      assert.equal(htmlTag(account.html), '<html lang="ar" dir="rtl">');
      assert.match(account.html, /<h1>حسابك<\/h1>/);
      assert.equal(account.headers.getSetCookie().filter((c) => c.startsWith('townhall_lang=')).length, 0);
    });

    test('staff pages stay English inside a frame in the chosen language', async () => {
      const admin = await createUser(t.db, t.keyring, { email: 'admin@example.org', role: 'system_admin' }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(admin.id), { limits: limitsFor('system_admin'), secondFactor: true });
      const browser = new WebClient(t.baseUrl);
      browser.cookies.set('townhall_session', token);
      const page = await browser.get('/admin?lang=ar');
      assert.equal(page.status, 200);
      assert.equal(htmlTag(page.html), '<html lang="ar" dir="rtl">');
      assert.match(page.html, /<a href="\/admin">الإدارة<\/a>/);
      assert.match(page.html, /<main id="main" class="wide" lang="en" dir="ltr">/);
      assert.doesNotMatch(page.html, /<nav class="languages"/, 'no switcher on an English-only page: it would change only the frame');
    });
  });
}

describe('languages over https', () => {
  let t: RunningTownhall;
  before(async () => {
    t = await startTownhall(databasesUnderTest()[0]!, { services: [], groups: [], env: { PUBLIC_URL: 'https://townhall.example' } });
  });
  after(() => t.close());

  test('the remembered language is a Secure cookie', async () => {
    const page = await fetch(`${t.baseUrl}/?lang=es`, { headers: { accept: 'text/html' } });
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith('townhall_lang='));
    assert.match(cookie ?? '', /^townhall_lang=es;.*SameSite=Lax.*Secure/);
  });
});
