/**
 * Services in the resident's language, on both databases: translations stored with the
 * catalogue and read back, the default language filling any field not translated, the portal
 * (catalogue, search, the report journey, tracking, the acknowledgement email) in Spanish and
 * Arabic, Open311 answering in the language `locale` asks for and unchanged without it, and the
 * service editor's translation form with its preview.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { saveServiceTranslation, getService } from '../src/catalogue/catalogue.js';
import { missingTranslations } from '../src/catalogue/localize.js';
import { demoServiceGroups, demoServices } from '../src/demo/catalogue-data.js';
import { limitsFor, startSession } from '../src/identity/sessions.js';
import { createUser } from '../src/identity/users.js';
import { openQueuedEmail } from '../src/notifications/email.js';
import { databasesUnderTest, startTownhall, type RunningTownhall } from './harness.js';
import { WebClient } from './web-client.js';

const PLAIN = {
  code: 'bench', name: 'Broken bench', description: 'A bench in a street or park that is broken.', groupCode: 'parks-and-trees',
  keywords: ['bench', 'seat'], type: 'realtime' as const, agencyResponsible: null, serviceNotice: 'We repair benches within 10 days.', expectedDays: 10,
  attributes: [{ code: 'broken', datatype: 'singlevaluelist' as const, required: true, order: 1, description: 'What is broken?', values: [{ key: 'seat', name: 'The seat' }, { key: 'legs', name: 'The legs' }] }],
};

/** The English words of the pothole service a resident reads: none may show on a Spanish or Arabic page. */
const pothole = demoServices.find((s) => s.code === 'pothole')!;
const englishWords = [pothole.name, pothole.description, pothole.serviceNotice!, ...pothole.attributes.flatMap((a) => [a.description, ...(a.values ?? []).map((v) => v.name)])];
const noEnglish = (html: string, where: string) => {
  for (const words of englishWords) assert.ok(!html.includes(words), `${where} shows the English "${words}"`);
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

for (const database of databasesUnderTest()) {
  describe(`services in the resident's language on ${database.name}`, () => {
    let t: RunningTownhall;
    before(async () => {
      t = await startTownhall(database, { groups: demoServiceGroups, services: [...demoServices, PLAIN] });
    });
    after(() => t?.close());

    test('every demo service, question, answer and notice is stored in Spanish and Arabic and read back', async () => {
      for (const input of demoServices) {
        const service = await getService(t.db, t.jurisdiction.id, input.code);
        for (const language of ['es', 'ar']) assert.deepEqual(missingTranslations(service, language), [], `${input.code} in ${language}`);
      }
      const stored = await getService(t.db, t.jurisdiction.id, 'pothole');
      assert.equal(stored.name, 'Pothole or damaged road', 'the row keeps the default language');
      assert.equal(stored.translations?.es?.name, 'Bache o calzada dañada');
      assert.equal(stored.attributes[0]!.translations?.ar?.values?.large, 'أكبر من إطار السيارة');
      assert.equal(stored.groupTranslations?.ar?.name, 'الطرق والأرصفة واللافتات');
    });

    test('a field not translated falls back to English, field by field; saving is audited', async () => {
      await saveServiceTranslation(t.db, t.jurisdiction.id, 'bench', 'es', { service: { name: 'Banco roto', description: '  ' }, attributes: { broken: { values: { seat: 'El asiento' } } } }, 'test');
      const page = await new WebClient(t.baseUrl).get('/services/bench?lang=es');
      assert.match(page.html, /<h1>Banco roto<\/h1>/);
      assert.match(page.html, /A bench in a street or park that is broken\./, 'the blank description falls back');
      assert.match(page.html, /El asiento/);
      assert.match(page.html, /The legs/, 'an answer not translated falls back');
      assert.match(page.html, /What is broken\?/);
      assert.match((await new WebClient(t.baseUrl).get('/services/bench')).html, /<h1>Broken bench<\/h1>/, 'English readers are unchanged');
      const audit = await t.db.selectFrom('audit_log').select(['after']).where('action', '=', 'service.translation_updated').where('entity_id', '=', 'bench').execute();
      assert.equal(audit.length, 1);
      await assert.rejects(saveServiceTranslation(t.db, t.jurisdiction.id, 'bench', 'fr', { service: {}, attributes: {} }, 'test'), /no language "fr"/);
      await assert.rejects(saveServiceTranslation(t.db, t.jurisdiction.id, 'bench', 'es', { service: {}, attributes: { nope: {} } }, 'test'), /no question "nope"/);
    });

    test('search finds services by their words in each language, whatever the accents', async () => {
      const c = new WebClient(t.baseUrl);
      const first = async (query: string, lang: string) => /<ul class="search-results"[^>]*>\s*<li><a href="([^"]+)">([^<]+)<\/a>/.exec((await c.get(`/search?q=${encodeURIComponent(query)}&lang=${lang}`)).html)?.slice(1, 3);
      assert.deepEqual(await first('bache', 'es'), ['/services/pothole', 'Bache o calzada dañada']);
      assert.deepEqual(await first('BÁCHE', 'es'), ['/services/pothole', 'Bache o calzada dañada'], 'accents and case do not matter');
      assert.deepEqual(await first('semaforo', 'es'), ['/services/traffic-signal', 'Avería de semáforo']);
      assert.deepEqual(await first('حفرة', 'ar'), ['/services/pothole', 'حفرة أو طريق متضرر']);
      assert.deepEqual(await first('الحفره', 'ar'), ['/services/pothole', 'حفرة أو طريق متضرر'], 'the article and ة/ه do not matter');
      assert.deepEqual(await first('bache', 'en'), ['/services/pothole', 'Pothole or damaged road'], 'a Spanish word finds the service on the English site too');
      assert.deepEqual(await first('pothole', 'es'), ['/services/pothole', 'Bache o calzada dañada'], 'the English words still find it');
    });

    test('a Spanish and an Arabic resident report a pothole with every service word in their language, and the email names it so', async () => {
      for (const [lang, name, question, notice] of [
        ['es', 'Bache o calzada dañada', '¿Qué tamaño tiene?', 'Inspeccionamos los baches'],
        ['ar', 'حفرة أو طريق متضرر', 'ما حجمها؟', 'نفحص الحفر'],
      ] as const) {
        const c = new WebClient(t.baseUrl);
        await c.get(`/?lang=${lang}`);
        const service = await c.get('/services/pothole');
        assert.match(service.html, new RegExp(`<h1>${name}</h1>`));
        noEnglish(text(service.html), `the ${lang} service page`);
        const first = await c.follow(await c.get('/report/new?service=pothole&lat=51.5&long=-0.12'));
        noEnglish(text(first.html), `the ${lang} first page`);
        // The second resident is first shown the first one's report nearby, named in their language.
        if (lang === 'ar') assert.ok(first.html.includes(`>${name}</a>`), 'the nearby report names the service in Arabic');
        const started = await c.get('/report/details');
        assert.match(started.html, new RegExp(question.replace('?', '\\?')));
        noEnglish(text(started.html), `the ${lang} details page`);
        assert.equal((await c.post('/report/details', { 'q-size': 'large', 'q-position': 'crosswalk', description: '' })).status, 303);
        assert.equal((await c.post('/report/photos/done')).status, 303);
        assert.equal((await c.post('/report/contact', { name: '', email: `${lang}.resident@example.org`, phone: '' })).status, 303);
        const check = await c.get('/report/check');
        assert.ok(check.html.includes(name));
        noEnglish(text(check.html), `the ${lang} check page`);
        const done = await c.follow(await c.post('/report/check'));
        assert.ok(done.html.includes(notice), `the ${lang} notice after reporting`);
        noEnglish(text(done.html), `the ${lang} done page`);
        const id = /\/report\/done\/(\d+)/.exec(done.html)?.[1] ?? /\/requests\/(\d+)/.exec(done.html)![1]!;
        const track = await c.get(`/requests/${id}`);
        assert.ok(track.html.includes(name), `the ${lang} tracking page names the service`);
        noEnglish(text(track.html), `the ${lang} tracking page`);
        const row = await t.db.selectFrom('outbox').select(['payload']).where('kind', '=', 'email').orderBy('id', 'desc').executeTakeFirstOrThrow();
        const email = openQueuedEmail(t.keyring, JSON.parse(row.payload as string));
        assert.equal(email.to, `${lang}.resident@example.org`);
        assert.ok(`${email.subject}\n${email.text}`.includes(name), `the ${lang} email names the service in ${lang}: ${email.text}`);
        if (lang === 'ar') assert.ok(email.text.includes(`\u2068${id}\u2069`), 'the reference number is isolated in the Arabic email');
        else assert.ok(!email.text.includes('\u2068'), 'left-to-right emails get no isolates');
      }
    });

    test('Open311 answers in the language locale asks for, and exactly as before without it', async () => {
      const get = async (path: string) => {
        const response = await fetch(`${t.baseUrl}/open311/v2/${path}`);
        return { status: response.status, body: await response.text() };
      };
      const plain = await get('services.json');
      assert.equal((await get('services.json?locale=en')).body, plain.body, 'the default language is the stored text');
      assert.equal((await get('services.json?locale=fr')).body, plain.body, 'a language not offered gives the default');
      const english = JSON.parse(plain.body) as Array<Record<string, string>>;
      assert.equal(english.find((s) => s.service_code === 'pothole')!.service_name, 'Pothole or damaged road');
      assert.equal(english.find((s) => s.service_code === 'pothole')!.keywords, pothole.keywords.join(','));
      const spanish = JSON.parse((await get('services.json?locale=es_MX')).body) as Array<Record<string, string>>;
      assert.deepEqual(spanish.map((s) => s.service_code), english.map((s) => s.service_code), 'the same services in the same order');
      const bache = spanish.find((s) => s.service_code === 'pothole')!;
      assert.equal(bache.service_name, 'Bache o calzada dañada');
      assert.equal(bache.group, 'Calles, aceras y señales');
      assert.match(bache.keywords!, /bache/);
      const definition = JSON.parse((await get('services/pothole.json?locale=ar')).body) as { attributes: Array<{ code: string; description: string; values: Array<{ key: string; name: string }> }> };
      const size = definition.attributes.find((a) => a.code === 'size')!;
      assert.equal(size.description, 'ما حجمها؟');
      assert.deepEqual(size.values.map((v) => v.key), ['small', 'medium', 'large'], 'keys never change');
      const xml = await get('services/pothole.xml?locale=es');
      assert.match(xml.body, /<description>¿Qué tamaño tiene\?<\/description>/);
      assert.equal((await get('services/pothole.json?locale=en')).body, (await get('services/pothole.json')).body);
      const bad = await get('services.json?locale=<script>');
      assert.equal(bad.status, 400);
      assert.match(bad.body, /locale must be a language tag/);
    });

    test('administrators translate a service in its editor, preview it in that language, and save it', async () => {
      const user = await createUser(t.db, t.keyring, { email: 'translator@council.example', role: 'system_admin', departmentCode: null }, { publicUrl: t.baseUrl, issuer: 'Test' }, 'test');
      const { token } = await startSession(t.db, Number(user.id), { limits: limitsFor('system_admin'), secondFactor: true });
      const admin = new WebClient(t.baseUrl);
      admin.cookies.set('townhall_session', token);
      const editor = await admin.get('/admin/settings/services/bench');
      assert.match(editor.html, /href="\/admin\/settings\/services\/bench\/translations\/ar"/);
      const form = await admin.get('/admin/settings/services/bench/translations/ar');
      assert.equal(form.status, 200);
      assert.match(form.html, /English: <bdi>Broken bench<\/bdi>/);
      assert.match(form.html, /name="q0-v1"[^>]*dir="rtl"|dir="rtl"[^>]*name="q0-v1"|id="q0-v1"/);
      const fields = { name: 'مقعد مكسور', description: 'مقعد مكسور في شارع أو حديقة.', keywords: 'مقعد، كرسي', serviceNotice: '', agencyResponsible: '', 'q0-description': 'ما المكسور؟', 'q0-help': '', 'q0-v0': 'المقعد', 'q0-v1': 'الأرجل' };
      const preview = await admin.post('/admin/settings/services/bench/translations/ar', { ...fields, _action: 'preview' });
      assert.equal(preview.status, 200);
      assert.match(preview.html, /<div class="preview-frame" lang="ar" dir="rtl">/);
      assert.match(preview.html, /<h1>مقعد مكسور<\/h1>/);
      assert.match(preview.html, /We repair benches within 10 days\./, 'the notice not translated shows in English');
      assert.equal((await getService(t.db, t.jurisdiction.id, 'bench')).translations?.ar, undefined, 'a preview saves nothing');
      const saved = await admin.post('/admin/settings/services/bench/translations/ar', { ...fields, _action: 'save' });
      assert.equal(saved.status, 303);
      const service = await getService(t.db, t.jurisdiction.id, 'bench');
      assert.deepEqual(service.translations?.ar, { name: 'مقعد مكسور', description: 'مقعد مكسور في شارع أو حديقة.', keywords: ['مقعد', 'كرسي'] });
      assert.equal(service.translations?.es?.name, 'Banco roto', 'other languages are kept');
      assert.match((await new WebClient(t.baseUrl).get('/search?q=%D9%83%D8%B1%D8%B3%D9%8A&lang=ar')).html, /href="\/services\/bench">مقعد مكسور</);
      const tooLong = await admin.post('/admin/settings/services/bench/translations/ar', { ...fields, name: 'x'.repeat(201), _action: 'save' });
      assert.equal(tooLong.status, 400);
      assert.equal((await admin.get('/admin/settings/services/bench/translations/xx')).status, 404);
      assert.equal((await new WebClient(t.baseUrl).get('/admin/settings/services/bench/translations/ar')).status === 200, false, 'guests may not');
    });
  });
}
