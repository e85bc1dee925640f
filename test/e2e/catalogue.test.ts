/**
 * The catalogue in a real browser against the real seed catalogue: search (colloquial words,
 * pinyin, initials, a typo), type-ahead with the keyboard, filters that change the results and the
 * URL, the empty state, and the guide page (materials checklist that survives a reload, limits,
 * fees, visits, the flowchart drawn from the item's steps, 在线申办 where the item is online).
 * Screenshots (phone/desktop × normal/care) of the search and guide pages go to test/artifacts/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, openPage, portalUrl, screenshot, type TestBrowser } from './browser.ts';

let tb: TestBrowser;

beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await tb?.close();
});

interface Step {
  id: string;
  name: string;
  level: string;
  limitDays: number;
  deptNames: string[];
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(portalUrl(path));
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** The code of the first item the API finds for a query and filters. */
async function findCode(params: Record<string, string>): Promise<string> {
  const r = await api<{ items: { code: string }[] }>(
    `/api/items?${new URLSearchParams({ ...params, limit: '1' })}`,
  );
  expect(r.items.length, JSON.stringify(params)).toBeGreaterThan(0);
  return r.items[0].code;
}

const resultNames = (page: Page) => page.locator('[data-testid="search-results"] > li h2').allTextContents();

async function waitForResults(page: Page): Promise<void> {
  await page
    .locator('[data-testid="search-results"] li, [data-testid="search-empty"]')
    .first()
    .waitFor({ timeout: 10_000 });
}

async function careContext(viewport: 'phone' | 'desktop'): Promise<BrowserContext> {
  const context = await newContext(tb.browser, viewport);
  // Before any page script, as if the person had switched care mode on earlier.
  await context.addInitScript("try{localStorage.setItem('bozhou.care','1')}catch(e){}");
  return context;
}

describe('portal catalogue', () => {
  it('finds items from the home search box: colloquial words, pinyin, initials and a typo', async () => {
    const { page, context, errors } = await openPage(tb.browser, portalUrl('/'), { viewport: 'phone' });
    try {
      const box = page.getByTestId('search-input');
      await box.fill('身份证丢了');
      await box.press('Enter');
      await page.waitForURL(/\/search\/\?/);
      expect(new URL(page.url()).searchParams.get('q')).toBe('身份证丢了');
      await waitForResults(page);
      const top = (await resultNames(page)).slice(0, 3);
      expect(top, 'top results for 身份证丢了').toContain('居民身份证补领');
      // The matched words are marked in the names (from the API's highlight ranges).
      expect(await page.locator('[data-testid="search-results"] mark').count()).toBeGreaterThan(0);
      expect(await page.getByTestId('search-total').textContent()).toMatch(/共找到 \d+ 个事项/);

      const licence = /营业执照|企业设立登记|个体工商户设立登记/;
      for (const q of ['yyzz', 'yingyezhizhao']) {
        await page.goto(portalUrl(`/search/?q=${q}`), { waitUntil: 'domcontentloaded' });
        await waitForResults(page);
        const names = (await resultNames(page)).slice(0, 5);
        expect(
          names.some((n) => licence.test(n)),
          `${q} → ${names.join('、')}`,
        ).toBe(true);
      }

      // 正 for 证: same sound, wrong character.
      await page.goto(portalUrl(`/search/?q=${encodeURIComponent('居民身份正补领')}`), {
        waitUntil: 'networkidle',
      });
      await waitForResults(page);
      expect((await resultNames(page)).slice(0, 5)).toContain('居民身份证补领');
      expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 25_000);

  it('type-ahead: suggestions as you type, arrow keys move, Enter opens the guide, Esc closes', async () => {
    const { page, context } = await openPage(tb.browser, portalUrl('/search/'), { viewport: 'desktop' });
    try {
      const box = page.getByTestId('search-input');
      const list = page.getByTestId('suggestions');
      await box.pressSequentially('结婚', { delay: 30 });
      await expect.poll(() => box.getAttribute('aria-expanded'), { timeout: 5_000 }).toBe('true');
      const options = list.getByRole('option');
      expect(await options.count()).toBeGreaterThan(0);
      expect(await options.first().textContent()).toContain('结婚');
      expect(await box.getAttribute('aria-controls')).toBe(await list.getAttribute('id'));
      // Floating list in normal mode.
      expect(await list.evaluate((el) => getComputedStyle(el).position)).toBe('absolute');

      await box.press('ArrowDown');
      const first = await options.nth(0).getAttribute('id');
      expect(await box.getAttribute('aria-activedescendant')).toBe(first);
      expect(await options.nth(0).getAttribute('aria-selected')).toBe('true');
      if ((await options.count()) > 1) {
        await box.press('ArrowDown');
        expect(await box.getAttribute('aria-activedescendant')).toBe(await options.nth(1).getAttribute('id'));
        await box.press('ArrowUp');
      }
      expect(await box.getAttribute('aria-activedescendant')).toBe(first);

      await box.press('Escape');
      expect(await box.getAttribute('aria-expanded')).toBe('false');
      expect(await list.isVisible()).toBe(false);

      await box.press('ArrowDown');
      expect(await box.getAttribute('aria-expanded')).toBe('true');
      const chosen = (await options.nth(0).textContent())?.replace('▶', '').trim();
      await box.press('Enter');
      // The guide's own prerendered page (issue 13), no longer /item/?code=.
      await page.waitForURL(/\/item\/[0-9A-Z-]+\/$/);
      await expect.poll(() => page.locator('h1').textContent(), { timeout: 10_000 }).toBe(chosen);
    } finally {
      await context.close();
    }

    // Care mode: no pop-up, the suggestions are part of the page below the box.
    const context2 = await careContext('phone');
    try {
      const { page } = await openPage(tb.browser, portalUrl('/search/'), { context: context2 });
      const box = page.getByTestId('search-input');
      await box.pressSequentially('户口', { delay: 30 });
      await expect.poll(() => box.getAttribute('aria-expanded'), { timeout: 5_000 }).toBe('true');
      expect(await page.getByTestId('suggestions').evaluate((el) => getComputedStyle(el).position)).toBe(
        'static',
      );
    } finally {
      await context2.close();
    }
  }, 25_000);

  it('filters change the results and the URL; an empty result suggests what to try', async () => {
    const { page, context } = await openPage(
      tb.browser,
      portalUrl(`/search/?q=${encodeURIComponent('登记')}`),
      {
        viewport: 'desktop',
      },
    );
    try {
      await waitForResults(page);
      const total = async () =>
        Number((await page.getByTestId('search-total').textContent())?.match(/\d+/)?.[0]);
      const all = await total();

      await page.getByTestId('filter-audience').getByRole('link', { name: '企业' }).click();
      await page.waitForURL(/audience=enterprise/);
      await expect.poll(total, { timeout: 10_000 }).not.toBe(all);
      const enterprise = await total();
      expect(enterprise).toBeLessThan(all);
      expect(await page.getByTestId('active-filters').textContent()).toContain('企业');

      await page.getByTestId('filter-hall').selectOption('qiaocheng');
      await page.waitForURL(/hallId=qiaocheng/);
      await expect.poll(total, { timeout: 10_000 }).toBeLessThan(enterprise);
      // A hall is chosen: its departments become a filter.
      await expect.poll(() => page.getByTestId('filter-dept').isEnabled(), { timeout: 10_000 }).toBe(true);

      await page.getByTestId('filter-level').getByRole('link', { name: '县级' }).click();
      await page.waitForURL(/level=county/);
      await waitForResults(page);
      const url = new URL(page.url());
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        q: '登记',
        audience: 'enterprise',
        hallId: 'qiaocheng',
        level: 'county',
      });
      // The list re-renders after the URL changes; wait for the filtered results to be there.
      const results = page.locator('[data-testid="search-results"] > li p');
      await expect.poll(() => results.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      const metas = await results.allTextContents();
      for (const m of metas.filter((t) => t.includes('实施机关'))) expect(m).toContain('县级');

      // Removing a chip removes the filter from the URL.
      await page.getByTestId('active-filters').getByRole('link', { name: /县级/ }).click();
      await page.waitForURL((u) => !u.searchParams.has('level'));

      await page.goto(portalUrl(`/search/?q=${encodeURIComponent('火星人移民')}`), {
        waitUntil: 'networkidle',
      });
      await page.getByTestId('search-empty').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('search-empty').textContent()).toContain('试试');
      const tries = page.getByTestId('search-try');
      expect(await tries.count()).toBeGreaterThan(0);
      const name = await tries.first().textContent();
      await tries.first().click();
      await page.waitForURL((u) => u.searchParams.get('q') === name);
      await waitForResults(page);
      expect(await resultNames(page)).toContain(name);
    } finally {
      await context.close();
    }
  }, 30_000);

  it('guide page: checklist that persists, limits, fees, visits, flowchart from the steps, 在线申办', async () => {
    const code = await findCode({ q: '居民身份证补领', hallId: 'city' });
    const guide = await api<{
      item: {
        name: string;
        promisedDays: number;
        legalDays: number;
        onlineDepth: number;
        materials: { name: string }[];
      };
      steps: Step[];
    }>(`/api/items/${encodeURIComponent(code)}`);
    expect(guide.item.name).toBe('居民身份证补领');
    const { page, context, errors } = await openPage(
      tb.browser,
      portalUrl(`/item/?code=${encodeURIComponent(code)}`),
      {
        viewport: 'phone',
      },
    );
    try {
      await page.getByTestId('guide').waitFor({ timeout: 10_000 });
      expect(await page.locator('h1').textContent()).toBe('居民身份证补领');
      const facts = (await page.getByTestId('key-facts').textContent()) ?? '';
      expect(facts).toContain(`${guide.item.promisedDays} 个工作日`);
      expect(facts).toContain(`法定时限：${guide.item.legalDays} 个工作日`);
      expect(facts).toMatch(/到现场次数.*(零跑动|最多跑 \d 次)/);
      expect(facts).toMatch(/是否收费(收费|不收费)/);
      expect(facts).toMatch(/网办深度I{1,3}V? 级/);

      // Materials checklist: one row per material, the tick survives a reload.
      const boxes = page.getByTestId('materials').getByRole('checkbox');
      expect(await boxes.count()).toBe(guide.item.materials.length);
      expect(await page.getByTestId('materials').textContent()).toContain('可由政府部门共享获取，免提交');
      await boxes.nth(1).check();
      await expect.poll(() => page.getByTestId('checklist-progress').textContent()).toContain('已准备 1');
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.getByTestId('materials').waitFor();
      await expect.poll(() => boxes.nth(1).isChecked(), { timeout: 5_000 }).toBe(true);
      expect(await boxes.nth(0).isChecked()).toBe(false);

      // The flowchart shows the item's own steps, in order, each with its limit.
      const steps = page.getByTestId('flow-step');
      expect(await steps.count()).toBe(guide.steps.length);
      for (const [i, st] of guide.steps.entries()) {
        const text = (await steps.nth(i).textContent()) ?? '';
        expect(text).toContain(st.name);
        expect(text).toContain(st.limitDays === 0 ? '当场办理' : `${st.limitDays} 个工作日`);
        expect(text).toContain(st.deptNames[0]);
      }

      expect(guide.item.onlineDepth).toBeGreaterThanOrEqual(3);
      const apply = page.getByTestId('apply-online');
      expect(await apply.textContent()).toBe('在线申办');
      expect(await apply.getAttribute('href')).toBe(`/apply/?code=${encodeURIComponent(code)}`);
      const tel = await page.locator('a[href^="tel:"]').first().getAttribute('href');
      expect(tel).toMatch(/^tel:[\d+-]+$/);
      expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 25_000);

  it('draws joint review side by side and each level of a multi-level flow; offline items say where to go', async () => {
    const joint = await findCode({ q: '旅馆业特种行业许可', hallId: 'city' });
    const multi = await findCode({ q: '高龄津贴申领（村级代办）', level: 'village' });
    const offline = await findCode({ onlineDepth: '2' });
    const context = await newContext(tb.browser, 'desktop');
    try {
      const { page } = await openPage(tb.browser, portalUrl(`/item/?code=${joint}`), { context });
      await page.getByTestId('flowchart').waitFor({ timeout: 10_000 });
      const jointSteps = (await api<{ steps: Step[] }>(`/api/items/${joint}`)).steps;
      const parallel = jointSteps.find((s) => s.deptNames.length > 1);
      expect(parallel, 'the joint template has a parallel step').toBeDefined();
      const boxes = page.getByTestId('flow-parallel').locator('li');
      expect(await boxes.count()).toBe(parallel?.deptNames.length);
      // Side by side: same top edge.
      const [a, b] = await Promise.all([boxes.nth(0).boundingBox(), boxes.nth(1).boundingBox()]);
      expect(Math.abs((a?.y ?? 0) - (b?.y ?? 1))).toBeLessThan(2);

      await page.goto(portalUrl(`/item/?code=${multi}`), { waitUntil: 'domcontentloaded' });
      await page.getByTestId('flowchart').waitFor({ timeout: 10_000 });
      const flow = (await page.getByTestId('flowchart').textContent()) ?? '';
      for (const level of ['村（社区）级', '乡镇（街道）级', '县级']) expect(flow).toContain(level);
      expect(flow).toContain('报送');

      await page.goto(portalUrl(`/item/?code=${offline}`), { waitUntil: 'domcontentloaded' });
      await page.getByTestId('guide').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('apply-online').count()).toBe(0);
      expect(await page.getByTestId('go-in-person').textContent()).toContain('暂不支持网上申请');
    } finally {
      await context.close();
    }
  }, 25_000);

  it('screenshots: search and guide pages at phone and desktop size, normal and care mode', async () => {
    const code = await findCode({ q: '旅馆业特种行业许可', hallId: 'city' });
    for (const viewport of ['phone', 'desktop'] as const)
      for (const care of [false, true]) {
        const context = care ? await careContext(viewport) : await newContext(tb.browser, viewport);
        try {
          const suffix = `${viewport}${care ? '-care' : ''}`;
          // No networkidle wait: the checks below wait for exactly what the screenshot needs.
          const page = await context.newPage();
          await page.goto(portalUrl(`/search/?q=${encodeURIComponent('身份证丢了')}`), {
            waitUntil: 'domcontentloaded',
          });
          await waitForResults(page);
          const overflow = () =>
            page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(await overflow(), `search scrolls sideways (${suffix})`).toBeLessThanOrEqual(0);
          await screenshot(page, `search-${suffix}`);
          await page.goto(portalUrl(`/item/?code=${code}`), { waitUntil: 'domcontentloaded' });
          await page.getByTestId('flowchart').waitFor({ timeout: 10_000 });
          expect(await overflow(), `guide scrolls sideways (${suffix})`).toBeLessThanOrEqual(0);
          await screenshot(page, `guide-${suffix}`);
        } finally {
          await context.close();
        }
      }
  }, 40_000);
});
