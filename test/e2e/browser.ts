/**
 * Browser harness for the end-to-end tests: Debian's Chromium driven by playwright-core (no
 * browser download). Each test opens pages in a fresh context (own storage), at phone or desktop size,
 * and may save screenshots into test/artifacts/ for people to look at.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** test/artifacts/ at the repository root (ignored by git). */
export const ARTIFACTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export const VIEWPORTS = {
  phone: { width: 360, height: 780 },
  desktop: { width: 1280, height: 800 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  browser: Browser;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/**
 * Start Chromium with a fresh profile directory. playwright's launch() refuses a --user-data-dir
 * argument, so the fresh profile is its own temp dir; `launchPersistentContext` would give one
 * shared context instead of one per page. A second temp dir holds downloads and crash dumps so
 * nothing lands in the repository.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium fonts-wqy-microhei`);
  }
  const scratch = await mkdtemp(join(tmpdir(), 'e2e-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, `--crash-dumps-dir=${scratch}`],
    downloadsPath: scratch,
    timeout: 30_000,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export interface OpenOptions {
  viewport?: ViewportName;
  /** Reuse a context (to share localStorage between pages); a new one is made otherwise. */
  context?: BrowserContext;
}

/** A new zh-CN browser context at phone or desktop size. */
export async function newContext(
  browser: Browser,
  viewport: ViewportName = 'phone',
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    deviceScaleFactor: 1,
    isMobile: viewport === 'phone',
    hasTouch: viewport === 'phone',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  // Transpilers with keepNames (tsx, esbuild) wrap inner functions of page.evaluate callbacks in
  // __name(...), which does not exist in the page; a no-op keeps such callbacks working.
  await context.addInitScript('globalThis.__name ??= (f) => f;');
  return context;
}

/**
 * Open `url` in a page of the given size and wait for the network to settle. Page errors and
 * console errors are collected on the returned `errors` array so a test can assert there were none.
 */
export async function openPage(
  browser: Browser,
  url: string,
  opts: OpenOptions = {},
): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = opts.context ?? (await newContext(browser, opts.viewport));
  const page = await context.newPage();
  if (opts.context && opts.viewport) await page.setViewportSize(VIEWPORTS[opts.viewport]);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.goto(url, { waitUntil: 'networkidle', timeout: 15_000 });
  return { page, context, errors };
}

/** Save a full-page screenshot as test/artifacts/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}

/**
 * Four screenshots of the page as it is: `<name>-phone`, `-desktop`, `-phone-care`, `-desktop-care`
 * (same tab, same session), switching with the header's own 关怀版 toggle so they show it as it is;
 * the page is left in normal mode at phone width.
 */
export async function screenshotsOf(page: Page, name: string): Promise<void> {
  const toggle = page.getByTestId('care-toggle');
  for (const care of [false, true]) {
    if ((await toggle.getAttribute('aria-pressed')) !== String(care)) await toggle.click();
    for (const size of ['phone', 'desktop'] as const) {
      await page.setViewportSize(VIEWPORTS[size]);
      await screenshot(page, `${name}-${size}${care ? '-care' : ''}`);
    }
  }
  await toggle.click();
  await page.setViewportSize(VIEWPORTS.phone);
}

/** The portal under test; the test setup starts the local cloud and sets PORTAL_URL. */
export function portalUrl(path = '/'): string {
  const base = process.env.PORTAL_URL;
  if (!base) throw new Error('PORTAL_URL is not set: the e2e setup must start the local cloud first');
  return new URL(path, base.endsWith('/') ? base : `${base}/`).toString();
}
