/**
 * 办件统计 and 办件公示 on a phone: the pages load from the footer, draw their charts (chart.js loaded
 * only then), keep a data table for each chart for screen readers, rank departments, and pass an axe
 * check (WCAG 2 A/AA rules) in normal and care mode. Screenshots (phone/desktop × normal/care, and
 * 390 px) go to test/artifacts/stats-*.png and disclosure-*.png.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { call, eventually, login } from '../support/client.ts';
import {
  launchBrowser,
  openPage,
  portalUrl,
  screenshot,
  screenshotsOf,
  type TestBrowser,
} from './browser.ts';

const HALL = 'qiaocheng';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let tb: TestBrowser;

/** axe's violations on the page (WCAG 2.0/2.1 A and AA), as `rule: target` lines. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (script hashes) would refuse an inline tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<any> } }).axe;
    return axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
  });
  return (result.violations as any[]).flatMap((v) =>
    v.nodes.map((n: any) => `${v.id}: ${n.target.join(' ')} — ${v.help}`),
  );
}

beforeAll(async () => {
  tb = await launchBrowser();
  // One case filed in the pilot hall so the month has something to show (others' tests add more).
  const applicant = await login('zhangsan');
  const page = await call('GET', `/api/items?hallId=${HALL}&limit=50`);
  for (const it of page.body.items) {
    const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
    const filed = await call('POST', `/api/halls/${HALL}/cases`, {
      token: applicant,
      body: { itemCode: it.code, form: exampleForm(guide.applicationForm, { phone: '13800000001' }) },
      headers: { 'idempotency-key': randomUUID() },
    });
    if (filed.status === 201) break;
  }
  await eventually(
    async () => {
      const s = (await call('GET', `/api/halls/${HALL}/stats`)).body;
      return s.hall?.indicators.filed > 0 ? s : undefined;
    },
    'a filed case in the statistics',
    60_000,
  );
}, 120_000);

afterAll(async () => {
  await tb?.close();
});

describe('办件统计 page', () => {
  it('is reached from the footer, draws its charts with tables, ranks, and passes axe on a phone', async () => {
    const { page, context, errors } = await openPage(tb.browser, portalUrl('/'), { viewport: 'phone' });
    await page.getByRole('contentinfo').getByRole('link', { name: '办件统计' }).click();
    await page.waitForURL(/\/stats\/$/);
    await expect.poll(() => page.getByRole('heading', { name: '办件统计', level: 1 }).count()).toBe(1);
    // The city first: every hall summed, halls ranked.
    await page.getByRole('heading', { name: /^全市 · / }).waitFor({ timeout: 30_000 });
    await page.getByRole('combobox', { name: '办事大厅' }).selectOption(HALL);
    await page.getByRole('heading', { name: /^谯城厅 · / }).waitFor({ timeout: 30_000 });
    // Charts are drawn (chart.js loaded lazily) and each has its table, in the page for screen readers.
    await expect.poll(() => page.locator('figure canvas').count()).toBe(3);
    await expect
      .poll(() =>
        page
          .locator('figure canvas')
          .evaluateAll((cs) => cs.every((c) => (c as HTMLCanvasElement).width > 0)),
      )
      .toBe(true);
    expect(await page.locator('figure table').count()).toBe(3);
    const deptTable = page.getByRole('table', { name: /各部门已办结与在办件数/ });
    expect(await deptTable.getByRole('row').count()).toBeGreaterThan(1);
    await page.getByRole('button', { name: '以表格查看' }).first().click();
    await expect.poll(() => deptTable.isVisible()).toBe(true);
    await page.getByRole('button', { name: '收起数据表' }).click();
    expect(await page.getByRole('heading', { name: '部门排名' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: '好差评' }).count()).toBe(1);

    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'stats-390');
    await page.getByTestId('care-toggle').click();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'stats-390-care');
    await page.getByTestId('care-toggle').click();
    await screenshotsOf(page, 'stats');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('办件公示 lists recent cases with the applicant masked, and passes axe', async () => {
    const { page, context, errors } = await openPage(tb.browser, portalUrl('/disclosure/'), {
      viewport: 'phone',
    });
    await page.getByRole('combobox', { name: '办事大厅' }).selectOption(HALL);
    const list = page.getByRole('list', { name: '办件公示列表' });
    await list.waitFor({ timeout: 30_000 });
    const text = (await list.textContent()) ?? '';
    expect(text).toMatch(/申请人\s*张\*/);
    expect(text).not.toContain('张三');
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'disclosure-390');
    await screenshotsOf(page, 'disclosure');
    expect(await page.getByRole('link', { name: '差评整改公示' }).getAttribute('href')).toBe(
      '/disclosure/?list=rectified',
    );
    await page.goto(portalUrl('/disclosure/?list=rectified'), { waitUntil: 'networkidle' });
    await page.getByRole('combobox', { name: '办事大厅' }).selectOption(HALL);
    await expect
      .poll(async () => (await page.locator('main').textContent()) ?? '', { timeout: 30_000 })
      .toMatch(/本月暂无已整改的差评|整改评价/);
    await screenshot(page, 'disclosure-rectified-phone');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
