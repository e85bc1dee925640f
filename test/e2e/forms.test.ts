/**
 * Printable forms in a real browser, drawn from the templates of the catalogue: from a guide page,
 * the 空白表格（可打印） and 填写示例 links open
 * the form page (no 404s), which shows the material, the item, the department and the signature
 * line; the sample carries the example values and says 填写示例; print media shows the sheet alone
 * (no site header, footer or toolbar) and a blank form fits one A4 page. Unknown codes and indexes
 * get a Chinese message. Screenshots (phone, desktop, care mode, print) and a PDF go to test/artifacts/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formHref } from '../../web/lib/forms.ts';
import {
  ARTIFACTS_DIR,
  launchBrowser,
  newContext,
  openPage,
  portalUrl,
  screenshot,
  type TestBrowser,
  VIEWPORTS,
} from './browser.ts';

const A4_PRINTABLE = { width: 680, height: 1000 };

let tb: TestBrowser;

beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await tb?.close();
});

interface GuideMaterial {
  name: string;
  /** The printable template of the catalogue this material names (drawn at /forms/). */
  formTemplate?: string;
}
interface Guide {
  item: { code: string; name: string; materials: GuideMaterial[] };
  department: { name: string } | null;
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(portalUrl(path));
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** The guide of the item named exactly `name` (the search may rank others first). */
async function guideOf(name: string, filters: Record<string, string> = {}): Promise<Guide> {
  const r = await api<{ items: { code: string; name: string }[] }>(
    `/api/items?${new URLSearchParams({ q: name, ...filters, limit: '10' })}`,
  );
  const hit = r.items.find((i) => i.name === name);
  expect(hit, name).toBeDefined();
  return api<Guide>(`/api/items/${encodeURIComponent(hit?.code ?? '')}`);
}

async function waitForSheet(page: Page): Promise<void> {
  await page.getByTestId('form-sheet').waitFor({ timeout: 10_000 });
}

/**
 * Responses of 400 and up in a context, but the favicon: Chromium asks for /favicon.ico after a
 * history navigation although the layout declares no icon, and the portal has none.
 */
function watchBroken(context: BrowserContext): string[] {
  const broken: string[] = [];
  context.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico')
      broken.push(`${r.status()} ${r.url()}`);
  });
  return broken;
}

/** Pages in a PDF: one `/Type /Page` object per page (not `/Pages`). */
function pdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
}

describe('printable forms', () => {
  it('guide links open the blank form and the filled sample of the material', async () => {
    const guide = await guideOf('居民身份证申领', { hallId: 'city' });
    const index = guide.item.materials.findIndex((m) => m.formTemplate);
    expect(index, 'a material with a form').toBeGreaterThanOrEqual(0);
    const material = guide.item.materials[index];
    const context0 = await newContext(tb.browser, 'phone');
    const broken = watchBroken(context0);
    const { page, context, errors } = await openPage(
      tb.browser,
      portalUrl(`/item/?code=${encodeURIComponent(guide.item.code)}`),
      { context: context0 },
    );
    try {
      await page.getByTestId('guide').waitFor({ timeout: 10_000 });
      const links = page.locator('[data-testid="materials"] > li').nth(index);
      const blankLink = links.getByTestId('blank-form-link');
      expect((await blankLink.textContent())?.startsWith('空白表格（可打印）')).toBe(true);
      expect(await blankLink.getAttribute('download')).toBeNull();

      await blankLink.click();
      await page.waitForURL(/\/forms\/\?/);
      await waitForSheet(page);
      const url = new URL(page.url());
      expect(url.searchParams.get('code')).toBe(guide.item.code);
      expect(url.searchParams.get('m')).toBe(String(index));
      const sheet = page.getByTestId('form-sheet');
      expect(await sheet.locator('h1').textContent()).toBe(material.name);
      const meta = (await page.getByTestId('form-meta').textContent()) ?? '';
      expect(meta).toContain(guide.item.name);
      expect(meta).toContain(guide.department?.name);
      const signatures = (await page.getByTestId('form-signatures').textContent()) ?? '';
      expect(signatures).toContain('申请人（签字）');
      expect(signatures).toContain('日期');
      expect(await sheet.textContent()).toContain('公民身份号码');
      // Blank: no example values, no sample badge.
      expect(await page.getByTestId('sample-badge').count()).toBe(0);
      expect(await sheet.textContent()).not.toContain('341602199001011234');
      expect(await page.title()).toContain(material.name);
      await screenshot(page, 'forms-blank-phone');

      // Back to the guide, then its sample link.
      await page.goBack();
      await page.getByTestId('guide').waitFor({ timeout: 10_000 });
      const sampleLink = page
        .locator('[data-testid="materials"] > li')
        .nth(index)
        .getByTestId('sample-form-link');
      expect((await sampleLink.textContent())?.startsWith('填写示例')).toBe(true);
      await sampleLink.click();
      await page.waitForURL(/sample=1/);
      await waitForSheet(page);
      expect(await page.getByTestId('sample-badge').textContent()).toContain('填写示例');
      const text = (await page.getByTestId('form-sheet').textContent()) ?? '';
      for (const v of ['张三', '341602199001011234', '13800000001']) expect(text).toContain(v);
      expect(await page.getByTestId('form-sheet').locator('h1').textContent()).toBe(material.name);
      await screenshot(page, 'forms-sample-phone');

      // The sample page offers the blank one back.
      await page.getByTestId('form-other').click();
      await page.waitForURL((u) => !u.searchParams.has('sample'));
      await waitForSheet(page);
      expect(await page.getByTestId('sample-badge').count()).toBe(0);
      expect(broken, 'no link or resource of these pages is missing').toEqual([]);
      expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('prints the sheet alone on A4: no header, footer or toolbar; a blank form fits one page', async () => {
    const guide = await guideOf('最低生活保障申请（村级代办）', { level: 'village' });
    const index = guide.item.materials.findIndex((m) => m.name === '代办委托书');
    expect(index).toBeGreaterThanOrEqual(0);
    expect(guide.item.materials[index].formTemplate).toBe('mandate');
    const blankUrl = formHref(guide.item.code, index);
    const { page, context, errors } = await openPage(tb.browser, portalUrl(blankUrl), {
      viewport: 'desktop',
    });
    try {
      await waitForSheet(page);
      const text = (await page.getByTestId('form-sheet').textContent()) ?? '';
      for (const w of ['委托人', '受托人', '委托事项', '委托期限']) expect(text).toContain(w);
      expect(text).toContain(guide.item.name);
      const signatures = (await page.getByTestId('form-signatures').textContent()) ?? '';
      expect(signatures).toContain('委托人（签字）');
      expect(signatures).toContain('受托人（签字）');
      await expect.poll(() => page.locator('body > header').isVisible()).toBe(true);
      await expect.poll(() => page.getByTestId('print-form').isVisible()).toBe(true);
      await screenshot(page, 'forms-blank-desktop');

      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('body > header').isVisible()).toBe(false);
      expect(await page.locator('body > footer').isVisible()).toBe(false);
      expect(await page.getByTestId('form-toolbar').isVisible()).toBe(false);
      expect(await page.getByTestId('form-sheet').isVisible()).toBe(true);
      const colours = await page.evaluate(() => {
        const title = document.querySelector('[data-testid="form-sheet"] h1') as HTMLElement;
        return {
          body: getComputedStyle(document.body).backgroundColor,
          title: getComputedStyle(title).color,
        };
      });
      expect(colours).toEqual({ body: 'rgb(255, 255, 255)', title: 'rgb(0, 0, 0)' });
      // The printable width of A4 with the page's margins (180 mm at 96 dpi), as paper would show it.
      await page.setViewportSize(A4_PRINTABLE);
      await screenshot(page, 'forms-blank-print');
      // On paper each signature and date line sits beside its label and is long enough to write on.
      const lines = await page.evaluate(() =>
        [...document.querySelectorAll('[data-testid="form-signatures"] p > span')].map((part) => {
          const [label, line] = [...part.children].map((c) => c.getBoundingClientRect());
          return { sameRow: Math.abs(label.bottom - line.bottom) < 4, wide: line.width >= 100 };
        }),
      );
      expect(lines.length).toBe(4);
      expect(
        lines.every((l) => l.sameRow && l.wide),
        JSON.stringify(lines),
      ).toBe(true);

      // page.pdf() prints with the page's own @page rules (A4) and print CSS.
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      await writeFile(join(ARTIFACTS_DIR, 'forms-blank.pdf'), pdf);
      expect(pdfPages(pdf), 'a blank 委托书 prints on one A4 page').toBe(1);

      // The household sample (table, account) prints too, marked 填写示例 on paper.
      const apply = guide.item.materials.findIndex((m) => m.name === '最低生活保障申请书');
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize(VIEWPORTS.desktop);
      await page.goto(portalUrl(formHref(guide.item.code, apply, true)), { waitUntil: 'networkidle' });
      await waitForSheet(page);
      const sample = (await page.getByTestId('form-sheet').textContent()) ?? '';
      for (const w of ['共同生活的家庭成员', '发放账户', '张三', '341602199001011234'])
        expect(sample).toContain(w);
      await screenshot(page, 'forms-sample-desktop');
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('body > header').isVisible()).toBe(false);
      expect(await page.getByTestId('sample-badge').isVisible()).toBe(true);
      await page.setViewportSize(A4_PRINTABLE);
      await screenshot(page, 'forms-sample-print');
      const samplePdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      await writeFile(join(ARTIFACTS_DIR, 'forms-sample.pdf'), samplePdf);
      expect(pdfPages(samplePdf)).toBeLessThanOrEqual(2);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('care mode on a phone: bigger text, the form still fits the width', async () => {
    const guide = await guideOf('最低生活保障申请（村级代办）', { level: 'village' });
    const m = guide.item.materials.findIndex((x) => x.name === '最低生活保障申请书');
    const context = await newContext(tb.browser, 'phone');
    await context.addInitScript("try{localStorage.setItem('bozhou.care','1')}catch(e){}");
    const { page, errors } = await openPage(tb.browser, portalUrl(formHref(guide.item.code, m, true)), {
      context,
    });
    try {
      await waitForSheet(page);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('20px');
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, 'no sideways scrolling of the page').toBeLessThanOrEqual(0);
      // Nor anything sticking out of the sheet on either side (overflow to the left does not scroll).
      const outside = await page.evaluate(() => {
        const sheet = document.querySelector('[data-testid="form-sheet"]') as HTMLElement;
        const box = sheet.getBoundingClientRect();
        return [...sheet.querySelectorAll('*')]
          .filter((el) => !el.closest('[aria-hidden="true"]') && !el.closest('.visually-hidden'))
          .filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
          })
          .map((el) => `${el.tagName} ${(el.textContent ?? '').slice(0, 20)}`);
      });
      expect(outside).toEqual([]);
      await screenshot(page, 'forms-sample-phone-care');

      // On paper care mode does not apply: the form keeps its 10.5 pt A4 layout, two boxes a row.
      await page.emulateMedia({ media: 'print' });
      await page.setViewportSize(A4_PRINTABLE);
      const paper = await page.evaluate(() => {
        const sheet = document.querySelector('[data-testid="form-sheet"]') as HTMLElement;
        const grid = sheet.querySelector('section > div') as HTMLElement;
        return {
          font: getComputedStyle(sheet).fontSize,
          columns: getComputedStyle(grid).gridTemplateColumns.split(' ').length,
        };
      });
      expect(paper).toEqual({ font: '14px', columns: 2 });
      expect(await page.locator('body > header').isVisible()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says in Chinese when the item or the material is not there', async () => {
    const guide = await guideOf('居民身份证申领', { hallId: 'city' });
    const { page, context } = await openPage(tb.browser, portalUrl('/forms/?code=NO-SUCH-ITEM-1&m=0'), {
      viewport: 'phone',
    });
    try {
      await page.getByTestId('form-missing').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('form-missing').textContent()).toContain('没有找到这个事项');

      const past = guide.item.materials.length;
      await page.goto(portalUrl(`/forms/?code=${encodeURIComponent(guide.item.code)}&m=${past}`), {
        waitUntil: 'networkidle',
      });
      await page.getByTestId('form-missing').waitFor({ timeout: 10_000 });
      const msg = (await page.getByTestId('form-missing').textContent()) ?? '';
      expect(msg).toContain('没有找到这份表格');
      expect(msg).toContain(`第 ${past + 1} 项`);
      expect(await page.getByRole('link', { name: '返回办事指南' }).count()).toBe(1);

      const plain = guide.item.materials.findIndex((m) => !m.formTemplate);
      await page.goto(portalUrl(`/forms/?code=${encodeURIComponent(guide.item.code)}&m=${plain}`), {
        waitUntil: 'networkidle',
      });
      await page.getByTestId('form-missing').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('form-missing').textContent()).toContain('没有统一的空白表格');

      await page.goto(portalUrl('/forms/'), { waitUntil: 'networkidle' });
      await page.getByTestId('form-missing').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('form-missing').textContent()).toContain('缺少事项编码');
    } finally {
      await context.close();
    }
  });
});
