/**
 * The apply page renders the item's application form from the catalogue's definition, in a real
 * browser: labels, hints, the right keyboards (inputmode/autocomplete), what the account fills in,
 * live messages from the same validator the server runs, the fields of the chosen kind of applicant;
 * then files. At 390 px and on a desktop, normal and 关怀版; screenshots go to test/artifacts/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legalPersons } from '#infra/seed/registries.ts';
import { call, login } from '../support/client.ts';
import { launchBrowser, newContext, portalUrl, screenshot, type TestBrowser } from './browser.ts';
import { uploadRequiredMaterials } from './materials.ts';
import { signIn } from './session.ts';

const PHONE_390 = { width: 390, height: 844 };
let tb: TestBrowser;

beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await tb?.close();
});

/** The first online item of a hall named `name`, or whose audience is `audience` (and form is `form`). */
async function itemCode(pick: {
  name?: string;
  audience?: string;
  hallId?: string;
  form?: string;
}): Promise<string> {
  const q = new URLSearchParams({ limit: '50', ...(pick.hallId ? { hallId: pick.hallId } : {}) });
  if (pick.name) q.set('q', pick.name);
  for (let offset = 0; offset < 400; offset += 50) {
    q.set('offset', String(offset));
    const page = await call('GET', `/api/items?${q}`);
    if (page.body.items.length === 0) break;
    const hits = page.body.items.filter(
      (i: any) =>
        i.onlineDepth >= 3 &&
        (pick.name ? i.name === pick.name : true) &&
        (pick.audience ? i.audience.join() === pick.audience : true),
    );
    for (const hit of hits) {
      if (!pick.form) return hit.code;
      const guide = (await call('GET', `/api/items/${encodeURIComponent(hit.code)}`)).body;
      if (guide.applicationForm?.id === pick.form) return hit.code;
    }
  }
  throw new Error(`no item ${JSON.stringify(pick)}`);
}

async function openApply(code: string, opts: { care?: boolean; desktop?: boolean } = {}) {
  const context = await newContext(tb.browser, opts.desktop ? 'desktop' : 'phone');
  if (opts.care) await context.addInitScript("try{localStorage.setItem('bozhou.care','1')}catch(e){}");
  const page = await context.newPage();
  if (!opts.desktop) await page.setViewportSize(PHONE_390);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Failed to load resource')) errors.push(m.text());
  });
  await page.goto(portalUrl(`/apply/?code=${encodeURIComponent(code)}`), { waitUntil: 'networkidle' });
  await signIn(page, page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }), 'zhangsan');
  await page.getByTestId('apply-form').waitFor({ timeout: 15_000 });
  return { page, context, errors };
}

async function noSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);
}

describe('the application form on the apply page', () => {
  it('a household item on a 390 px phone: prefilled, the right keyboards, live messages, filed', async () => {
    const code = await itemCode({ name: '最低生活保障申请（村级代办）', hallId: 'qiaocheng' });
    const { page, context, errors } = await openApply(code);
    try {
      // What the account knows is filled in; the person only checks it.
      expect(await page.getByLabel('申请人姓名').inputValue()).toBe('张三');
      expect(await page.getByLabel('联系电话').inputValue()).toBe('13800000001');
      const id = page.getByLabel('公民身份号码');
      expect(await id.inputValue()).toMatch(/^\d{17}[\dX]$/);
      // Keyboards and autofill come from the field types.
      const phone = page.getByLabel('联系电话');
      expect(await phone.getAttribute('type')).toBe('tel');
      expect(await phone.getAttribute('inputmode')).toBe('tel');
      expect(await phone.getAttribute('autocomplete')).toBe('tel');
      expect(await id.getAttribute('autocapitalize')).toBe('characters');
      expect(await page.getByLabel('联系地址').getAttribute('autocomplete')).toBe('street-address');
      expect(await page.getByLabel('银行账号').getAttribute('inputmode')).toBe('numeric');
      // Sections of the definition are groups with headings.
      for (const legend of ['申请人', '家庭情况', '发放账户', '申请内容'])
        await page.locator('legend', { hasText: legend }).first().waitFor();
      // Hints sit under their labels.
      expect(await page.getByText('每行一人：姓名、与申请人关系、公民身份号码、就业或收入情况').count()).toBe(
        1,
      );

      // Live: a wrong ID says so beside the field once the person leaves it, and the message goes when fixed.
      const idValue = await id.inputValue();
      await id.fill('341602199001011235');
      await id.blur();
      await page.getByText('身份证号码校验位不正确，请核对是否输错').waitFor();
      expect(await id.getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, 'apply-form-id-error-phone');
      await id.fill(idValue);
      await expect.poll(() => page.getByText('身份证号码校验位不正确').count()).toBe(0);

      // Sending with required fields empty: every message beside its field, focus on the first.
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByTestId('form-summary').waitFor();
      await page.getByText('请填写联系地址').waitFor();
      await page.getByText('请填写开户银行').waitFor();
      expect(
        await page.evaluate(() =>
          (document.activeElement as HTMLElement | null)?.getAttribute('autocomplete'),
        ),
      ).toBe('street-address');
      await noSidewaysScroll(page);
      await screenshot(page, 'apply-form-errors-phone');

      // A number where a number goes, checked as typed.
      await page.getByLabel('共同生活的家庭人口（人）').fill('2.5');
      await page.getByLabel('共同生活的家庭人口（人）').blur();
      await page.getByText('共同生活的家庭人口（人）应为整数').waitFor();
      await page.getByLabel('共同生活的家庭人口（人）').fill('3');

      await page.getByLabel('联系地址').fill('亳州市谯城区薛阁街道魏武大道 100 号');
      await page.getByLabel('家庭月总收入（元）').fill('800');
      await page
        .getByLabel('共同生活的家庭成员')
        .fill('张三、本人、341602199001011234、务农\n李梅、配偶、341602199203041247、无');
      await page.getByLabel('开户银行').fill('亳州农村商业银行薛阁支行');
      await page.getByLabel('户名').fill('张三');
      await page.getByLabel('银行账号').fill('6230 0000 0000 0000 001');
      for (const box of await page.getByTestId('apply-form').getByRole('checkbox').all()) await box.check();
      await uploadRequiredMaterials(page);
      await screenshot(page, 'apply-form-filled-phone');
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByTestId('filed').waitFor({ timeout: 15_000 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('关怀版 on a 390 px phone: bigger text, everything still fits', async () => {
    const code = await itemCode({ name: '最低生活保障申请（村级代办）', hallId: 'qiaocheng' });
    const { page, context, errors } = await openApply(code, { care: true });
    try {
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('20px');
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByTestId('form-summary').waitFor();
      await noSidewaysScroll(page);
      await screenshot(page, 'apply-form-errors-phone-care');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('an item open to both on a desktop: the kind of applicant picks the fields', async () => {
    const code = await itemCode({ audience: 'person,enterprise', hallId: 'qiaocheng', form: 'either' });
    const company = legalPersons[0];
    const zhangsan = await login('zhangsan');
    const actAs = (uscc: string | null) =>
      call('PUT', '/api/account/acting-for', { token: zhangsan, body: { uscc } });

    // As a person (normal and 关怀版): the person's fields; choosing 单位 swaps them for the unit's.
    expect((await actAs(null)).status).toBe(200);
    for (const care of [false, true]) {
      const { page, context, errors } = await openApply(code, { desktop: true, care });
      try {
        const kind = page.getByRole('radiogroup');
        expect(await kind.getByRole('radio', { name: '个人' }).isChecked()).toBe(true);
        expect(await page.getByLabel('统一社会信用代码').count()).toBe(0);
        await kind.getByText('单位').click();
        const uscc = page.getByLabel('统一社会信用代码');
        await uscc.waitFor();
        expect(await page.getByLabel('公民身份号码').count()).toBe(0);
        await uscc.fill('91341602ma2n00000r');
        expect(await uscc.inputValue()).toBe('91341602MA2N00000R');
        await uscc.blur();
        await page.getByText('统一社会信用代码校验位不正确，请核对是否输错').waitFor();
        await screenshot(page, `apply-form-unit-desktop${care ? '-care' : ''}`);
        await kind.getByText('个人').click();
        await page.getByLabel('公民身份号码').waitFor();
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }

    // Acting for the enterprise zhangsan represents: 单位 chosen, the unit's name, code and legal
    // representative filled in from the account; files as the enterprise.
    expect((await actAs(company.uscc)).status).toBe(200);
    try {
      const { page, context, errors } = await openApply(code, { desktop: true });
      try {
        expect(await page.getByRole('radio', { name: '单位' }).isChecked()).toBe(true);
        expect(await page.getByLabel('单位名称').inputValue()).toBe(company.name);
        expect(await page.getByLabel('统一社会信用代码').inputValue()).toBe(company.uscc);
        expect(await page.getByLabel('法定代表人（负责人）').inputValue()).toBe(company.legalRepName);
        await page.getByLabel('联系地址').fill('亳州市谯城区示例路 1 号');
        for (const box of await page.getByTestId('apply-form').getByRole('checkbox').all()) await box.check();
        await uploadRequiredMaterials(page);
        await screenshot(page, 'apply-form-enterprise-desktop');
        await page.getByRole('button', { name: '提交申请' }).click();
        await page.getByTestId('filed').waitFor({ timeout: 15_000 });
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    } finally {
      await actAs(null);
    }
  }, 120_000);

  it('the printable form at 390 px, normal and 关怀版, drawn from the template', async () => {
    const code = await itemCode({ name: '最低生活保障申请（村级代办）', hallId: 'qiaocheng' });
    const guide = (await call('GET', `/api/items/${encodeURIComponent(code)}`)).body;
    const m = guide.item.materials.findIndex((x: any) => x.formTemplate === 'mandate');
    expect(guide.formTemplates.mandate.sections.length).toBeGreaterThan(0);
    for (const care of [false, true]) {
      const context = await newContext(tb.browser, 'phone');
      if (care) await context.addInitScript("try{localStorage.setItem('bozhou.care','1')}catch(e){}");
      const page = await context.newPage();
      await page.setViewportSize(PHONE_390);
      try {
        await page.goto(portalUrl(`/forms/?code=${encodeURIComponent(code)}&m=${m}&sample=1`), {
          waitUntil: 'networkidle',
        });
        await page.getByTestId('form-sheet').waitFor();
        const text = (await page.getByTestId('form-sheet').textContent()) ?? '';
        expect(text).toContain(`代为办理“${guide.item.name}”`);
        expect(text).not.toContain('{事项名称}');
        await noSidewaysScroll(page);
        await screenshot(page, `forms-mandate-sample-390${care ? '-care' : ''}`);
      } finally {
        await context.close();
      }
    }
  }, 60_000);
});
