/**
 * A real browser for end-to-end tests (sign-in round trips, accessibility checks): Debian's
 * Chromium, driven by playwright-core, headless. Set CHROMIUM_PATH to use another build.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // Quiet and self-contained: no sandbox (containers), no GPU, nothing fetched from Google.
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Runs fn with a fresh browser, closed afterwards whatever happens. */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchBrowser();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** A new, empty browser profile (no cookies), as a different person at another computer. */
export async function freshContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  // Fail fast rather than wait out the default 30 seconds when a page is not what was expected.
  context.setDefaultTimeout(10_000);
  return context;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
interface AxeResult { violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }

/**
 * What axe finds against WCAG 2.2 A and AA on the page, one line per rule and where. axe is
 * injected by the test, so the page's context must bypass its CSP (which rightly refuses it).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async (tags) => (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } })
    .axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }), WCAG_22_AA);
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
