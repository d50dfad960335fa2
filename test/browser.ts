/**
 * A real browser for end-to-end tests (sign-in round trips, accessibility checks): Debian's
 * Chromium, driven by playwright-core, headless. Set CHROMIUM_PATH to use another build.
 */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

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
