/**
 * "Report a problem" with the keyboard only, in Chromium with JavaScript on, 1280 pixels wide:
 * from the home page's "Report a problem" link to "Report sent" with Tab, Shift+Tab, Space,
 * Enter, the arrow keys and typing; no clicks and no fill(). On every page the first Tab
 * reaches the skip link, and every element that takes focus is on screen with a visible focus
 * indicator. The location page's map picker is passed by and the coordinates typed; the
 * details page's error summary takes focus and its link moves focus to the field; the photo
 * is chosen through the file chooser opened with Space. SQLite only: the pages are the same on
 * either database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchBrowser } from './browser.js';
import { startTownhall, type RunningTownhall } from './harness.js';
import { fixture, POTHOLE } from './open311/fixture-catalogue.js';

interface Focused {
  /** A short description for messages, e.g. `input#lat` or `a "Skip to main content"`. */
  name: string;
  tag: string;
  id: string;
  text: string;
  classes: string;
  type: string;
  href: string;
  checked: boolean;
  /** On screen: has a size, not hidden, inside the viewport. */
  visible: boolean;
  /** The computed outline or box-shadow on :focus. */
  indicator: string;
}

let t: RunningTownhall;
let browser: Browser;
let photo: Buffer;

before(async () => {
  t = await startTownhall({ name: 'sqlite' }, fixture);
  photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 70, g: 70, b: 80 } } }).jpeg().toBuffer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

/** What has focus now, and whether a sighted keyboard user can see it. */
function focused(tab: Page): Promise<Focused> {
  return tab.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body || e === document.documentElement) {
      return { name: 'the page (nothing focused)', tag: 'body', id: '', text: '', classes: '', type: '', href: '', checked: false, visible: false, indicator: 'none' };
    }
    const style = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    const visible = box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && Number(style.opacity) > 0
      && box.bottom > 0 && box.right > 0 && box.top < window.innerHeight && box.left < window.innerWidth;
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 ? `outline ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}` : '';
    const shadow = style.boxShadow !== 'none' ? `box-shadow ${style.boxShadow}` : '';
    // A date or time input's last Tab stop is Chrome's own calendar or clock button, inside the
    // input: the input is then :focus-within but not :focus, and Chrome rings the button itself.
    const pickerButton = /^(date|time|datetime-local)$/.test((e as HTMLInputElement).type) && !e.matches(':focus') && e.matches(':focus-within')
      ? "the browser's own focus ring on the input's picker button" : '';
    const text = (e.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
    const tag = e.tagName.toLowerCase();
    return {
      name: `${tag}${e.id ? `#${e.id}` : ''}${text ? ` "${text}"` : ''}`, tag, id: e.id, text, classes: e.className, type: (e as HTMLInputElement).type ?? '',
      href: e.getAttribute('href') ?? '', checked: (e as HTMLInputElement).checked === true, visible, indicator: [outline, shadow, pickerButton].filter(Boolean).join('; ') || 'none',
    };
  });
}

/** Fails unless the focused element is on screen with a visible focus indicator. */
async function assertFocusShows(tab: Page, step: string): Promise<Focused> {
  const now = await focused(tab);
  assert.ok(now.visible, `${step}: the focused element ${now.name} is not visible on screen`);
  assert.notEqual(now.indicator, 'none', `${step}: the focused element ${now.name} has no visible focus indicator (outline and box-shadow are none)`);
  return now;
}

/** Presses a key, then checks the newly focused element shows. */
async function press(tab: Page, key: string, step: string): Promise<Focused> {
  await tab.keyboard.press(key);
  return assertFocusShows(tab, `${step} (after ${key})`);
}

/** Tabs forward (or back) until `wanted` has focus, checking every stop on the way. */
async function tabTo(tab: Page, wanted: (f: Focused) => boolean, what: string, step: string, key: 'Tab' | 'Shift+Tab' = 'Tab', limit = 40): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    const now = await press(tab, key, step);
    if (wanted(now)) return now;
    seen.push(now.name);
  }
  assert.fail(`${step}: ${limit} presses of ${key} never reached ${what}; focus went ${seen.join(' → ')}`);
}

/** A page just loaded: its first Tab goes to the skip link. */
async function firstTabIsSkipLink(tab: Page, step: string): Promise<void> {
  const first = await press(tab, 'Tab', step);
  assert.ok(first.classes.includes('skip-link') && first.href === '#main', `${step}: the first Tab reached ${first.name}, not the "Skip to main content" link`);
}

/** Presses Enter (or Space) on the focused control and waits for the page it leads to. */
async function activate(tab: Page, path: RegExp, step: string, key = 'Enter'): Promise<void> {
  // Each page is a new document (a link, or a form sent and redirected): wait for it to load.
  await Promise.all([tab.waitForEvent('load'), tab.keyboard.press(key)]);
  assert.match(new URL(tab.url()).pathname, path, `${step}: ${key} did not lead to the next page`);
}

const isButton = (text: string) => (f: Focused) => f.tag === 'button' && f.text === text;
const isId = (id: string) => (f: Focused) => f.id === id;

test('a resident reports a pothole with the keyboard alone, and can see where the focus is at every step', async (context) => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  ctx.setDefaultTimeout(10_000);
  // Map tiles come from the internet; the test does not need them.
  await ctx.route(/tile\.openstreetmap\.org/, (route) => route.abort());
  const tab = await ctx.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  try {
    // ---- Home: the "Report a problem" link ----
    await tab.goto(`${t.baseUrl}/`);
    await firstTabIsSkipLink(tab, 'home page');
    await tabTo(tab, (f) => f.tag === 'a' && f.href === '/report/new' && f.text === 'Report a problem', 'the "Report a problem" link', 'home page');
    await activate(tab, /^\/report\/service$/, 'home page → "Report a problem"');

    // ---- What is the problem? A radio group: Tab into it, ArrowDown to "Pothole" ----
    assert.match(await tab.title(), /^What is the problem\?/, 'service step: wrong page');
    await firstTabIsSkipLink(tab, 'service step');
    await tabTo(tab, (f) => f.tag === 'input' && f.type === 'radio', 'the first service', 'service step');
    let now = await press(tab, 'ArrowDown', 'service step');
    assert.equal(now.id, `service-${POTHOLE}`, 'service step: ArrowDown did not move to "Pothole"');
    assert.ok(now.checked, 'service step: ArrowDown did not select "Pothole"');
    now = await press(tab, 'Tab', 'service step');
    assert.ok(isButton('Continue')(now), `service step: Tab from the radio group went to ${now.name}, not "Continue"`);
    await activate(tab, /^\/report\/location$/, 'service step → Continue');

    // ---- Where is the problem? Past the map picker to the coordinates ----
    assert.match(await tab.title(), /^Where is the problem\?/, 'location step: wrong page');
    await firstTabIsSkipLink(tab, 'location step');
    // The map picker waits to be asked for, by a button the keyboard reaches (deliberate change:
    // it no longer starts with the page); the map then has the focus.
    const mapButton = await tab.locator('#pick-map').isVisible();
    if (mapButton) {
      await tabTo(tab, isButton('Mark the spot on a map'), 'the "Mark the spot on a map" button', 'location step');
      await tab.keyboard.press('Enter');
    }
    const mapPicker = mapButton && await tab.locator('.map.leaflet-container').waitFor({ timeout: 5_000 }).then(() => true, () => false);
    if (!mapPicker) context.diagnostic('the map picker did not start (no /assets/map.js?): only the coordinate fields were used');
    if (mapPicker) assert.ok(await tab.evaluate(() => document.activeElement?.classList.contains('leaflet-container')), 'location step: the map did not take the focus');
    // Every stop on the way, the map and its controls included, must show its focus.
    await tabTo(tab, (f) => f.tag === 'summary' && f.text === 'Enter coordinates', 'the "Enter coordinates" disclosure (past the map)', 'location step');
    await press(tab, 'Enter', 'location step: open "Enter coordinates"');
    assert.ok(await tab.locator('details.coordinates').evaluate((d: HTMLDetailsElement) => d.open), 'location step: Enter did not open "Enter coordinates"');
    await tabTo(tab, isId('lat'), 'the latitude field', 'location step', 'Tab', 3);
    await tab.keyboard.type('51.4901');
    await tabTo(tab, isId('long'), 'the longitude field', 'location step', 'Tab', 1);
    await tab.keyboard.type('-0.2002');
    assert.equal(await tab.inputValue('#lat'), '51.4901', 'location step: the typed latitude was changed (by the map?)');
    await tabTo(tab, isButton('Continue'), '"Continue"', 'location step');
    // Nobody has reported anything nearby, so the next page is the details.
    await activate(tab, /^\/report\/details$/, 'location step → Continue');

    // ---- Tell us about the problem: first sent empty, the error summary leads to the field ----
    assert.match(await tab.title(), /^Tell us about the problem/, 'details step: wrong page');
    await firstTabIsSkipLink(tab, 'details step');
    await tabTo(tab, isButton('Continue'), '"Continue"', 'details step (sent empty)');
    await activate(tab, /^\/report\/details$/, 'details step → Continue (empty)');
    assert.match(await tab.title(), /^Error: Tell us about the problem/, 'details step: an empty required answer was not refused');
    let summaryLink: Focused;
    now = await focused(tab);
    if (now.classes.includes('error-summary')) {
      await assertFocusShows(tab, 'details step with errors: the error summary has focus on load');
      summaryLink = await press(tab, 'Tab', 'details step with errors');
    } else {
      summaryLink = await press(tab, 'Tab', 'details step with errors');
    }
    assert.ok(summaryLink.tag === 'a' && summaryLink.href === '#q-road_name',
      `details step with errors: the error summary neither had focus on load (focus: ${now.name}) nor did the first Tab reach its link (it reached ${summaryLink.name})`);
    await press(tab, 'Enter', 'details step with errors: the summary link');
    now = await assertFocusShows(tab, 'details step with errors: after following the summary link');
    assert.equal(now.id, 'q-road_name', `details step with errors: the summary link moved focus to ${now.name}, not the road name field`);
    await tab.keyboard.type('Mill Lane');
    await tabTo(tab, (f) => f.tag === 'input' && f.type === 'radio' && f.id.startsWith('q-surface'), 'the surface question', 'details step');
    now = await press(tab, 'ArrowDown', 'details step: surface');
    assert.ok(now.id === 'q-surface-2' && now.checked, `details step: ArrowDown in the surface question gave ${now.name}, not "Paving slabs" chosen`);
    await tabTo(tab, isId('q-hazards-3'), '"Pedestrians"', 'details step');
    await press(tab, 'Space', 'details step: tick "Pedestrians"');
    assert.ok(await tab.isChecked('#q-hazards-3'), 'details step: Space did not tick "Pedestrians"');
    await tabTo(tab, isButton('Continue'), '"Continue"', 'details step');
    // Back one stop (Shift+Tab) to the description, typed, then on to "Continue" again.
    now = await press(tab, 'Shift+Tab', 'details step: back to the description');
    assert.equal(now.id, 'description', `details step: Shift+Tab from "Continue" went to ${now.name}, not the description`);
    await tab.keyboard.type('Deep enough to bend a wheel.');
    await tabTo(tab, isButton('Continue'), '"Continue"', 'details step', 'Tab', 1);
    await activate(tab, /^\/report\/photos$/, 'details step → Continue');

    // ---- Add photos: the file input opens the chooser with Space ----
    assert.match(await tab.title(), /^Add photos/, 'photos step: wrong page');
    await firstTabIsSkipLink(tab, 'photos step');
    await tabTo(tab, isId('photo'), 'the photo file input', 'photos step');
    const [chooser] = await Promise.all([tab.waitForEvent('filechooser', { timeout: 5_000 }), tab.keyboard.press('Space')]);
    await chooser.setFiles({ name: 'pothole.jpg', mimeType: 'image/jpeg', buffer: photo });
    await tabTo(tab, isButton('Add this photo'), '"Add this photo"', 'photos step', 'Tab', 2);
    await activate(tab, /^\/report\/photos$/, 'photos step → Add this photo');
    await tab.locator('ul.photos img').waitFor();
    await firstTabIsSkipLink(tab, 'photos step with a photo');
    await tabTo(tab, isButton('Continue'), '"Continue"', 'photos step with a photo');
    await activate(tab, /^\/report\/contact$/, 'photos step → Continue');

    // ---- Your contact details ----
    assert.match(await tab.title(), /^Your contact details/, 'contact step: wrong page');
    await firstTabIsSkipLink(tab, 'contact step');
    await tabTo(tab, isId('email'), 'the email field', 'contact step');
    await tab.keyboard.type('keys@example.org');
    await tabTo(tab, isButton('Continue'), '"Continue"', 'contact step');
    await activate(tab, /^\/report\/check$/, 'contact step → Continue');

    // ---- Check your answers, and send ----
    assert.match(await tab.title(), /^Check your answers/, 'check step: wrong page');
    const summary = await tab.textContent('dl.check') ?? '';
    for (const expected of [/Pothole/, /The point you marked on the map/, /Mill Lane/, /Paving slabs/, /Pedestrians/, /Deep enough to bend a wheel\./, /1 photo/, /keys@example\.org/]) {
      assert.match(summary, expected, 'check step: an answer given by keyboard is missing');
    }
    await firstTabIsSkipLink(tab, 'check step');
    await tabTo(tab, isButton('Send report'), '"Send report"', 'check step');
    await activate(tab, /^\/report\/done\/\d+$/, 'check step → Send report');

    // ---- Report sent ----
    assert.match(await tab.title(), /^Report sent/, 'confirmation: wrong page');
    await firstTabIsSkipLink(tab, 'confirmation');
    const id = (await tab.textContent('.reference'))?.trim() ?? '';
    assert.match(id, /^\d+$/, 'confirmation: no reference number');
    const [report] = await (await fetch(`${t.baseUrl}/open311/v2/requests/${id}.json`)).json() as Array<Record<string, unknown>>;
    assert.equal(report?.service_code, POTHOLE, 'confirmation: the report sent is not the pothole');
    assert.equal(Number(report?.lat), 51.4901, 'confirmation: the report is not at the typed latitude');
    assert.equal(Number(report?.long), -0.2002, 'confirmation: the report is not at the typed longitude');
    assert.match(String(report?.media_url), /\/media\//, 'confirmation: the photo chosen by keyboard was not sent');
    assert.deepEqual(errors, [], 'no script errors on any page');
  } finally {
    await ctx.close();
  }
});
