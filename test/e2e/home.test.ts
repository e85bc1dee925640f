/**
 * The portal home page in a real browser: Chinese renders (no tofu), halls and items load, the hall
 * switch and entry tabs drive the item query, care mode enlarges text before first paint and
 * persists. Screenshots (phone/desktop × normal/care) go to test/artifacts/.
 * Needs PORTAL_URL (set by the e2e setup that starts the local cloud).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, openPage, portalUrl, screenshot, type TestBrowser } from './browser.ts';

const SITE_NAME = '亳州市网上办事大厅';
let tb: TestBrowser;

beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await tb?.close();
});

/** Items (or an empty/error state) have replaced the loading message. */
async function waitForItems(page: Page): Promise<number> {
  await page.locator('[data-testid="item-list"] li').first().waitFor({ timeout: 10_000 });
  return page.locator('[data-testid="item-list"] li').count();
}

/**
 * Tofu check: draw two different CJK characters and one code point no font has, in the page's own
 * font stack. With a CJK font installed the three bitmaps all differ; without one, 亳 and 州 both
 * fall back to the same missing-glyph box. Width alone cannot tell (a box is often 1em wide too).
 */
async function glyphCheck(page: Page) {
  return page.evaluate(() => {
    const el = document.querySelector('header a span:last-child') ?? document.body;
    const family = getComputedStyle(el).fontFamily;
    const bitmap = (ch: string) => {
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 64;
      const ctx = c.getContext('2d')!;
      ctx.font = `48px ${family}`;
      ctx.textBaseline = 'top';
      ctx.fillText(ch, 4, 4);
      const data = ctx.getImageData(0, 0, 64, 64).data;
      let ink = 0;
      let sig = '';
      for (let i = 3; i < data.length; i += 4) {
        if (data[i] > 0) ink++;
        sig += data[i] > 127 ? '1' : '0';
      }
      return { ink, sig };
    };
    const bo = bitmap('亳');
    const zhou = bitmap('州');
    const missing = bitmap('\u{10FFFD}');
    return {
      family,
      inkBo: bo.ink,
      inkZhou: zhou.ink,
      boDiffersFromZhou: bo.sig !== zhou.sig,
      boDiffersFromMissing: bo.sig !== missing.sig,
      zhouDiffersFromMissing: zhou.sig !== missing.sig,
    };
  });
}

/** Controls narrower or shorter than a 44 px touch target, and any sideways scrolling. */
async function layoutProblems(page: Page, minTap: number) {
  return page.evaluate((min) => {
    const small: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      'button, select, input, header a, [role="tab"]',
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // hidden
      if (r.height < min - 0.5)
        small.push(`${el.tagName} "${el.textContent?.trim()}" ${Math.round(r.height)}px`);
    }
    return { small, overflow: document.documentElement.scrollWidth - window.innerWidth };
  }, minTap);
}

const rootFontPx = (page: Page) =>
  page.evaluate(() => Number.parseFloat(getComputedStyle(document.documentElement).fontSize));

describe('portal home page', () => {
  it('renders Chinese, the halls and the items of the chosen hall at phone size', async () => {
    const { page, context, errors } = await openPage(tb.browser, portalUrl('/'), { viewport: 'phone' });
    try {
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await page.locator('header').textContent()).toContain(SITE_NAME);

      const cards = page.locator('[data-testid="hall-cards"]');
      await cards.waitFor({ timeout: 10_000 });
      const cardText = await cards.textContent();
      expect(cardText).toContain('市直厅');
      expect(cardText).toContain('谯城厅');

      const glyphs = await glyphCheck(page);
      expect(glyphs.inkBo, `no ink for 亳 in ${glyphs.family}`).toBeGreaterThan(50);
      expect(glyphs.boDiffersFromZhou, 'CJK renders as missing-glyph boxes').toBe(true);
      expect(glyphs.boDiffersFromMissing, 'CJK renders as missing-glyph boxes').toBe(true);
      expect(glyphs.zhouDiffersFromMissing, 'CJK renders as missing-glyph boxes').toBe(true);

      expect(await waitForItems(page)).toBeGreaterThan(0);
      const first = await page.locator('[data-testid="item-list"] li').first().textContent();
      expect(first).toMatch(/承诺时限/);
      expect(first).toMatch(/网办深度/);
      expect(first).toMatch(/跑动次数/);

      const layout = await layoutProblems(page, 44);
      expect(layout.overflow, 'page scrolls sideways at 360 px').toBeLessThanOrEqual(0);
      expect(layout.small, 'touch targets under 44 px').toEqual([]);
      await screenshot(page, 'home-phone');

      // The 企业办事 tab asks for enterprise items of the same hall.
      const enterprise = page.waitForRequest((r) => /\/api\/items\?.*audience=enterprise/.test(r.url()));
      await page.getByRole('tab', { name: '企业办事' }).click();
      await enterprise;
      expect(await page.getByRole('tab', { name: '企业办事' }).getAttribute('aria-selected')).toBe('true');

      // Resource 404s are left out: links to pages other issues add are prefetched meanwhile.
      expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 20_000);

  it('switches hall from the header and remembers the choice', async () => {
    const { page, context } = await openPage(tb.browser, portalUrl('/'), { viewport: 'desktop' });
    try {
      const select = page.getByLabel('当前大厅');
      await expect.poll(() => select.isEnabled(), { timeout: 10_000 }).toBe(true);
      const asked = page.waitForRequest((r) => /\/api\/items\?.*hallId=qiaocheng/.test(r.url()));
      await select.selectOption('qiaocheng');
      await asked;
      await expect.poll(() => page.locator('main h2').first().textContent()).toContain('谯城厅');
      expect(await page.locator('[aria-pressed="true"]', { hasText: '谯城厅' }).count()).toBe(1);

      await page.reload({ waitUntil: 'networkidle' });
      await expect.poll(() => select.inputValue(), { timeout: 10_000 }).toBe('qiaocheng');
    } finally {
      await context.close();
    }
  }, 20_000);

  it('care mode enlarges text, applies before the bundle runs and persists', async () => {
    for (const viewport of ['phone', 'desktop'] as const) {
      const context = await newContext(tb.browser, viewport);
      try {
        const { page } = await openPage(tb.browser, portalUrl('/'), { context });
        await waitForItems(page);
        await screenshot(page, `home-${viewport}`);
        const normal = await rootFontPx(page);

        const toggle = page.getByRole('button', { name: '关怀版' });
        expect(await toggle.getAttribute('aria-pressed')).toBe('false');
        await toggle.click();
        expect(await toggle.getAttribute('aria-pressed')).toBe('true');
        const care = await rootFontPx(page);
        expect(care).toBeGreaterThanOrEqual(20);
        expect(care).toBeGreaterThan(normal);
        const layout = await layoutProblems(page, 44);
        expect(layout.overflow, `care mode scrolls sideways at ${viewport} size`).toBeLessThanOrEqual(0);
        expect(layout.small).toEqual([]);
        await screenshot(page, `home-${viewport}-care`);

        await page.reload({ waitUntil: 'networkidle' });
        expect(await rootFontPx(page)).toBe(care);
        await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');

        // With every script bundle blocked, only the inline boot script can apply care mode: this is
        // what the first paint shows, so there is no flash of small text.
        const bare = await context.newPage();
        await bare.route('**/_next/static/**/*.js', (route) => route.abort());
        await bare.goto(portalUrl('/'), { waitUntil: 'load' });
        expect(await bare.getAttribute('html', 'data-care')).toBe('1');
        expect(await rootFontPx(bare)).toBe(care);
        await bare.close();

        await toggle.click();
        expect(await toggle.getAttribute('aria-pressed')).toBe('false');
        expect(await rootFontPx(page)).toBe(normal);
      } finally {
        await context.close();
      }
    }
  }, 20_000);
});
