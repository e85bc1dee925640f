/**
 * The operators' calendar page (/operate/calendar/) on a phone and a desktop: an operator signs
 * in, sees how far the calendar is official, and a schedule without any day off is refused with
 * the server's Chinese message beside the field — nothing is loaded (calendar-load.test.ts loads).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/client.ts';
import { launchBrowser, newContext, portalUrl, screenshot, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

let tb: TestBrowser;

beforeAll(async () => {
  tb = await launchBrowser();
});

afterAll(async () => {
  await tb?.close();
});

describe('operator calendar page', () => {
  it.each(['phone', 'desktop'] as const)(
    'shows the calendar and refuses an empty schedule (%s)',
    async (viewport) => {
      const before = (await call('GET', '/api/calendar')).body;
      const context = await newContext(tb.browser, viewport);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      await page.goto(portalUrl('/operate/calendar/'), { waitUntil: 'networkidle' });
      await signIn(
        page,
        page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
        'operator',
      );
      if (new URL(page.url()).pathname !== '/operate/calendar/')
        await page.goto(portalUrl('/operate/calendar/'), { waitUntil: 'networkidle' });

      const state = page.getByTestId('calendar-state');
      await state.waitFor({ timeout: 10_000 });
      expect(await state.textContent()).toContain(`已录入至 ${before.lastOfficialDate}`);
      await page.getByTestId('calendar-history').or(page.getByText('尚未录入过节假日安排')).waitFor();
      const year = page.getByLabel('年份');
      expect(await year.locator('option').allTextContents()).toEqual(
        before.loadableYears.map((y: number) => `${y} 年`),
      );

      await page.getByLabel('放假日期').fill('');
      await page.getByLabel('调休上班日期（周六、周日）').fill('');
      await page.getByRole('button', { name: '录入并重算期限' }).click();
      const alert = page.getByTestId('calendar-load-error');
      await alert.waitFor({ timeout: 10_000 });
      expect(await alert.textContent()).toContain('没有列出任何放假日期');
      expect(await page.getByLabel('放假日期').getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, `operator-calendar-refused-${viewport}`);

      // Refused: the calendar is as it was.
      expect((await call('GET', '/api/calendar')).body.revision).toBe(before.revision);
      expect(errors).toEqual([]);
      await context.close();
    },
  );

  it('an operator who signs in from the home page lands on 运营管理 (phone)', async () => {
    const context = await newContext(tb.browser, 'phone');
    const page = await context.newPage();
    await page.goto(portalUrl('/'), { waitUntil: 'networkidle' });
    await signIn(page, page.getByRole('link', { name: '登录' }).first(), 'operator');
    expect(new URL(page.url()).pathname).toBe('/operate/');
    await page.getByRole('heading', { name: '运营管理' }).waitFor();
    await page.getByRole('link', { name: '工作日历' }).waitFor();
    await page.getByRole('link', { name: '演示与调试' }).waitFor();
    await screenshot(page, 'operate-home-phone');
    await context.close();
  });
});
