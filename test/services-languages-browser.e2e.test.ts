/**
 * A Spanish and an Arabic resident, in a real browser (Chromium) 390 CSS pixels wide, search for
 * the pothole service in their own language, open it and report a pothole: every page they see
 * carries the service's words in their language only (no English service words), each page is
 * accessible (axe, WCAG 2.2 AA) and fits the screen. SQLite only: the pages are the same on
 * either database. Set TOWNHALL_SCREENSHOTS to a folder to keep a picture of each page.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { demoServiceGroups, demoServices } from '../src/demo/catalogue-data.js';
import { translator } from '../src/i18n/i18n.js';
import { languageByCode } from '../src/i18n/languages.js';
import { axeViolations, launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';

const pothole = demoServices.find((s) => s.code === 'pothole')!;
/** Every English word of the pothole service a resident could read, whole phrases. */
const englishWords = [
  pothole.name, pothole.description, pothole.serviceNotice!, pothole.agencyResponsible!,
  demoServiceGroups.find((g) => g.code === pothole.groupCode)!.name,
  ...pothole.attributes.flatMap((a) => [a.description, ...(a.values ?? []).map((v) => v.name)]),
];
const shots = process.env.TOWNHALL_SCREENSHOTS;

describe('Spanish and Arabic residents report a pothole in their language, 390 px wide', () => {
  let t: RunningTownhall;
  let browser: Browser;
  before(async () => {
    t = await startTownhall({ name: 'sqlite' }, { groups: demoServiceGroups, services: demoServices });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const journeys = [
    { lang: 'es', query: 'bache', name: 'Bache o calzada dañada', lat: '51.5012', long: '-0.1012' },
    { lang: 'ar', query: 'حفرة', name: 'حفرة أو طريق متضرر', lat: '51.4512', long: '-0.2012' },
  ];
  for (const journey of journeys) {
    test(`in ${journey.lang}: searched for "${journey.query}", found, reported`, async () => {
      const language = languageByCode(journey.lang)!;
      const { t: say } = translator(language);
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: journey.lang });
      ctx.setDefaultTimeout(10_000);
      const tab = await ctx.newPage();
      let step = 0;
      const check = async (what: string) => {
        const main = await tab.textContent('main') ?? '';
        for (const words of englishWords) assert.ok(!main.includes(words), `${what} (${journey.lang}) shows the English "${words}"`);
        assert.equal(await tab.getAttribute('html', 'lang'), journey.lang);
        assert.equal(await tab.getAttribute('html', 'dir'), language.dir);
        const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${what} scrolls sideways by ${overflow}px`);
        assert.deepEqual(await axeViolations(tab), [], `${what} (${journey.lang})`);
        if (shots) await tab.screenshot({ path: join(shots, `services-${journey.lang}-${String(++step).padStart(2, '0')}-${what.replace(/\W+/g, '-')}.png`), fullPage: true });
      };

      await tab.goto(`${t.baseUrl}/?lang=${journey.lang}`);
      await tab.fill('#home-q', journey.query);
      await tab.click(`main button:has-text("${say('catalogue.searchButton')}")`);
      const firstHit = tab.locator('ul.search-results li a').first();
      assert.equal((await firstHit.textContent())?.trim(), journey.name, 'the first result is the pothole service');
      await check('search results');
      await firstHit.click();
      assert.equal((await tab.textContent('h1'))?.trim(), journey.name);
      await check('service page');
      await tab.click(`main a:has-text("${say('catalogue.start')}")`);

      assert.equal(await tab.title(), `${say('report.location.title')} - ${t.jurisdiction.name}`);
      await tab.locator('details.coordinates').evaluate((d) => d.setAttribute('open', ''));
      await tab.fill('#lat', journey.lat);
      await tab.fill('#long', journey.long);
      await tab.click(`main button:has-text("${say('report.continue')}")`);

      assert.match(await tab.title(), new RegExp(`^${say('report.details.title').replace(/[?؟]/g, '.')}`));
      assert.match(await tab.textContent('main .caption') ?? '', new RegExp(journey.name));
      await check('details');
      await tab.click(`main button:has-text("${say('report.continue')}")`);
      assert.match(await tab.title(), new RegExp(`^${say('report.errorTitle', { title: '' }).trim().slice(0, 4)}`), 'a required question left unanswered');
      await check('details with an error');
      await tab.check('input[name="q-size"][value="large"]');
      await tab.check('input[name="q-position"][value="crosswalk"]');
      await tab.click(`main button:has-text("${say('report.continue')}")`);

      await check('photos');
      await tab.click(`main button:has-text("${say('report.continue')}")`);
      await check('contact');
      await tab.fill('#email', `${journey.lang}@example.org`);
      await tab.click(`main button:has-text("${say('report.continue')}")`);

      const answers = await tab.textContent('dl.check') ?? '';
      assert.ok(answers.includes(journey.name), 'check your answers names the service');
      const size = pothole.attributes.find((a) => a.code === 'size')!;
      const large = (await import('../src/demo/catalogue-translations.js')).demoServiceTranslations.pothole![journey.lang as 'es' | 'ar'].attributes.size!.values!.large!;
      assert.ok(answers.includes(large), `the answer reads in ${journey.lang}: ${answers}`);
      assert.ok(!answers.includes(size.values!.find((v) => v.key === 'large')!.name));
      await check('check your answers');
      await tab.click(`main button:has-text("${say('report.check.send')}")`);

      await tab.waitForSelector('.reference');
      await check('report sent');
      const id = (await tab.textContent('.reference'))!.trim();
      await tab.goto(`${t.baseUrl}/requests/${id}`);
      assert.equal((await tab.textContent('h1'))?.trim(), journey.name);
      await check('tracking page');
      await ctx.close();
    });
  }
});
