/**
 * 长辈版 (care mode) as an older person's phone shows it: no text under 18 px on the pages they use
 * (home, a search, a guide, progress), nothing running off the screen at 320 and 360 px (tabs, pager,
 * header), a compact header, the large tiles of the most used services, and 语音播报 on a guide.
 * Screenshots at 320/360/390 px and desktop go to test/artifacts/.
 * Needs PORTAL_URL (set by the e2e setup that starts the local cloud).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, portalUrl, screenshot, type TestBrowser } from './browser.ts';

let tb: TestBrowser;
beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await tb?.close();
});

async function careContext(width: number): Promise<BrowserContext> {
  const phone = width < 800;
  const context = await tb.browser.newContext({
    viewport: { width, height: phone ? 780 : 800 },
    isMobile: phone,
    hasTouch: phone,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await context.addInitScript("globalThis.__name ??= (f) => f; localStorage.setItem('bozhou.care', '1');");
  return context;
}

/** Every visible text node's font size below 18 px, and how far the page scrolls sideways. */
function measure(page: Page) {
  return page.evaluate(() => {
    const small: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      // Visually hidden text (for screen readers) is 1 px wide and clipped: not seen, not measured.
      if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden') continue;
      const size = Number.parseFloat(style.fontSize);
      if (size < 18) small.push(`${size}px ${el.tagName.toLowerCase()}: ${text.slice(0, 20)}`);
    }
    const offscreen = [...document.querySelectorAll('a, button, [role="tab"], input, select')]
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1);
      })
      .map((e) => (e.textContent ?? '').trim().slice(0, 12));
    return {
      small,
      offscreen,
      sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      header: document.querySelector('header')?.getBoundingClientRect().height ?? 0,
    };
  });
}

const PAGES = [
  ['home', '/', () => '[data-testid="item-list"] li'],
  ['search', `/search/?q=${encodeURIComponent('身份证')}`, () => 'nav[aria-label="分页"]'],
  ['guide', '', () => '[data-testid="guide"]'],
  ['progress', '/progress/', () => 'form'],
] as const;

async function guidePath(): Promise<string> {
  const list = (await (
    await fetch(portalUrl(`/api/items?q=${encodeURIComponent('身份证')}&limit=1`))
  ).json()) as {
    items: { code: string }[];
  };
  return `/item/${list.items[0].code}/`;
}

describe('长辈版', () => {
  it('at 360 px no visible text is under 18 px, on home, a search, a guide and progress', async () => {
    const guide = await guidePath();
    const context = await careContext(360);
    try {
      const page = await context.newPage();
      for (const [name, path, ready] of PAGES) {
        await page.goto(portalUrl(path || guide), { waitUntil: 'networkidle' });
        await page.locator(ready()).first().waitFor({ timeout: 15_000 });
        const m = await measure(page);
        expect(m.small, name).toEqual([]);
        await screenshot(page, `care-360-${name}`);
      }
    } finally {
      await context.close();
    }
  });

  it('works from 320 px: nothing off screen, a compact header, the large tiles on the home', async () => {
    const guide = await guidePath();
    for (const width of [320, 360, 390, 1280]) {
      const context = await careContext(width);
      try {
        const page = await context.newPage();
        for (const [name, path, ready] of PAGES) {
          await page.goto(portalUrl(path || guide), { waitUntil: 'networkidle' });
          await page.locator(ready()).first().waitFor({ timeout: 15_000 });
          const m = await measure(page);
          expect(m.sideways, `${name} at ${width}`).toBeLessThanOrEqual(0);
          expect(m.offscreen, `${name} at ${width}`).toEqual([]);
          // Two rows at most on a phone (it took ~265 px of the screen before).
          if (width < 800) expect(m.header, `${name} at ${width}`).toBeLessThan(170);
          if (name === 'home') {
            const tiles = page.getByTestId('care-tiles');
            expect(await tiles.isVisible()).toBe(true);
            expect(await tiles.getByRole('link').count()).toBeGreaterThanOrEqual(6);
          }
          if (name === 'guide') expect(await page.getByTestId('read-aloud').isVisible()).toBe(true);
          if (width !== 360) await screenshot(page, `care-${width}-${name}`);
        }
      } finally {
        await context.close();
      }
    }
  });

  it('the tiles stay out of the normal home page', async () => {
    const context = await tb.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      await page.goto(portalUrl('/'), { waitUntil: 'networkidle' });
      expect(await page.getByTestId('care-tiles').isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });
});
