/**
 * Materials in a real browser, on a 390×844 phone: the apply page shows one slot per material, the
 * 部门共享 one as obtained by the department; the applicant uploads a PDF and a photo (real files
 * through the file input, straight to the bucket), sees a JPEG with a PHP tail refused with its
 * reason, leaves and comes back to find the files kept, and files. Then staff open the case page,
 * list the files by slot and preview the photo in the page; the open is logged. Screenshots: phone
 * and desktop, normal and 关怀版, into test/artifacts/.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../support/client.ts';
import { bytes, jpeg, picture } from '../support/files.ts';
import { sampleFiles } from '../support/materials.ts';
import { launchBrowser, newContext, portalUrl, screenshot, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

const HALL = 'qiaocheng';
/** 普通护照签发: a form to sign (PDF or photo), a photo, the ID card shared by a department. */
const PASSPORT = '11341602MB7032718G-0100024-000';
const PHONE_390 = { width: 390, height: 844 };

let tb: TestBrowser;
let caseNo = '';

beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await tb?.close();
});

function watch(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Failed to load resource')) errors.push(m.text());
  });
  return errors;
}

async function context(opts: { desktop?: boolean; care?: boolean }): Promise<BrowserContext> {
  const c = await newContext(tb.browser, opts.desktop ? 'desktop' : 'phone');
  if (opts.care) await c.addInitScript("try{localStorage.setItem('bozhou.care','1')}catch(e){}");
  return c;
}

const slot = (page: Page, name: string) => page.locator(`[data-testid="slot"][data-slot="${name}"]`);

async function pick(page: Page, name: string, file: { name: string; type: string; data: Uint8Array }) {
  await slot(page, name)
    .getByTestId('slot-input')
    .setInputFiles({ name: file.name, mimeType: file.type, buffer: Buffer.from(file.data) });
}

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);
}

describe('materials on the apply page and the case page', () => {
  it('a phone uploads a PDF and a photo, is told why a doctored photo is refused, comes back, and files', async () => {
    const c = await context({});
    const page = await c.newPage();
    await page.setViewportSize(PHONE_390);
    const errors = watch(page);
    try {
      await page.goto(portalUrl(`/apply/?code=${encodeURIComponent(PASSPORT)}`), {
        waitUntil: 'networkidle',
      });
      await signIn(
        page,
        page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
        'zhangsan',
      );
      await page.getByTestId('material-slots').waitFor({ timeout: 15_000 });
      expect(await slot(page, '申请人居民身份证').textContent()).toContain('由部门共享获取，无需您提供');
      expect(await slot(page, '申请人居民身份证').getByTestId('slot-input').count()).toBe(0);

      // Filing with empty slots is stopped in the page, naming them.
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByTestId('materials-problem').waitFor();
      expect(await page.getByTestId('materials-problem').textContent()).toContain('出入境证件照片');

      const { pdf } = await sampleFiles();
      await pick(page, '中国公民出入境证件申请表', { ...pdf, name: '出入境证件申请表.pdf' });
      await slot(page, '中国公民出入境证件申请表').getByTestId('slot-file').waitFor({ timeout: 30_000 });
      expect(await slot(page, '中国公民出入境证件申请表').textContent()).toContain('已通过核验');

      // A photo with a PHP tail: uploaded, then refused by the verifier with its reason; then a good one.
      await pick(page, '出入境证件照片', {
        name: '证件照.jpg',
        type: 'image/jpeg',
        data: bytes(jpeg(), '<?php system($_GET[1]); ?>'),
      });
      const refused = slot(page, '出入境证件照片').getByTestId('slot-refused');
      await refused.waitFor({ timeout: 30_000 });
      expect(await refused.textContent()).toMatch(/未通过：.*夹带/);
      // A file that is no image at all is refused by the page before anything is sent.
      await pick(page, '出入境证件照片', {
        name: '证件照.png',
        type: 'image/png',
        data: bytes('not really a png'),
      });
      await page.waitForFunction(() =>
        /不是 JPG、PNG 格式/.test(
          document.querySelector('[data-slot="出入境证件照片"] [data-testid="slot-refused"]')?.textContent ??
            '',
        ),
      );
      await screenshot(page, 'materials-apply-refused-phone');
      await pick(page, '出入境证件照片', { name: '证件照.png', type: 'image/png', data: picture() });
      await slot(page, '出入境证件照片').getByTestId('slot-file').waitFor({ timeout: 30_000 });
      expect(await slot(page, '出入境证件照片').getByTestId('slot-refused').count()).toBe(0);

      // Leave and come back: the draft keeps the files.
      await page.reload({ waitUntil: 'networkidle' });
      await page.getByTestId('materials-restored').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('slot-file').count()).toBe(2);
      await page.getByLabel('联系地址').fill('亳州市谯城区薛阁街道魏武大道 100 号');
      for (const box of await page.getByTestId('apply-form').getByRole('checkbox').all()) await box.check();
      await noSidewaysScroll(page);
      await screenshot(page, 'materials-apply-phone');
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByTestId('filed').waitFor({ timeout: 15_000 });
      caseNo = (await page.getByTestId('filed-case-no').textContent())!.trim();
      expect(caseNo).toMatch(/^341602-/);
      expect(errors).toEqual([]);
    } finally {
      await c.close();
    }
  }, 180_000);

  it('looks right on a phone in 关怀版 and on a desktop, normal and 关怀版', async () => {
    for (const view of [
      { name: 'phone-care', care: true },
      { name: 'desktop', desktop: true },
      { name: 'desktop-care', desktop: true, care: true },
    ]) {
      const c = await context(view);
      const page = await c.newPage();
      if (!view.desktop) await page.setViewportSize(PHONE_390);
      const errors = watch(page);
      try {
        await page.goto(portalUrl(`/apply/?code=${encodeURIComponent(PASSPORT)}`), {
          waitUntil: 'networkidle',
        });
        await signIn(
          page,
          page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
          'zhangsan',
        );
        await page.getByTestId('material-slots').waitFor({ timeout: 15_000 });
        // The draft is kept between visits: upload only where nothing is yet.
        const form = slot(page, '中国公民出入境证件申请表');
        if ((await form.getByTestId('slot-file').count()) === 0) {
          await pick(page, '中国公民出入境证件申请表', (await sampleFiles()).pdf);
          await form.getByTestId('slot-file').waitFor({ timeout: 30_000 });
        }
        await page.getByRole('button', { name: '提交申请' }).click();
        await page.getByTestId('materials-problem').waitFor();
        await noSidewaysScroll(page);
        await screenshot(page, `materials-apply-${view.name}`);
        expect(errors).toEqual([]);
      } finally {
        await c.close();
      }
    }
  }, 180_000);

  it('staff see the files by slot, preview the photo in the page, and the open is logged', async () => {
    expect(caseNo).not.toBe('');
    const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as any[];
    const guide = (await call('GET', `/api/items/${encodeURIComponent(PASSPORT)}`)).body;
    const staff = accounts.find(
      (a) =>
        a.role === 'staff' && a.hall === HALL && a.dept === guide.item.deptCode && a.posts.includes('受理'),
    );
    for (const view of [{ desktop: true }, { desktop: false }]) {
      const c = await context(view);
      const page = await c.newPage();
      if (!view.desktop) await page.setViewportSize(PHONE_390);
      const errors = watch(page);
      try {
        await page.goto(portalUrl(`/staff/case/?no=${caseNo}`), { waitUntil: 'networkidle' });
        await signIn(
          page,
          page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
          staff.username,
        );
        const materials = page.getByTestId('case-materials');
        await materials.getByTestId('case-file').first().waitFor({ timeout: 15_000 });
        expect(await materials.getByTestId('case-file').count()).toBe(2);
        expect(await materials.textContent()).toContain('部门共享');
        const photo = materials.getByTestId('case-file').filter({ hasText: '证件照.png' });
        await photo.getByRole('button', { name: '查看' }).click();
        const img = photo.getByTestId('file-preview').locator('img');
        await img.waitFor({ timeout: 15_000 });
        await page.waitForFunction(
          () =>
            (document.querySelector('[data-testid="file-preview"] img') as HTMLImageElement | null)?.complete,
        );
        // The image came from the bucket under the page's CSP (a blocked load has no width).
        expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
        await materials.getByText(/材料查阅记录/).click();
        await materials.getByTestId('material-opens').waitFor();
        expect(await materials.getByTestId('material-opens').textContent()).toContain('出入境证件照片');
        await noSidewaysScroll(page);
        await screenshot(page, `materials-staff-case-${view.desktop ? 'desktop' : 'phone'}`);
        expect(errors).toEqual([]);
      } finally {
        await c.close();
      }
    }
    const staffToken = await login(staff.username);
    const listed = await call('GET', `/api/halls/${HALL}/cases/${caseNo}/materials`, { token: staffToken });
    expect(listed.body.opens.length).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
