/**
 * The new credential steps in a real browser at 390 px (a common phone width): the SMS code with its
 * resend countdown, 找回密码 by phone and by identity (reclaim), the offer to reclaim when
 * registering an identity already taken, SMS-code sign-in on the identity provider's own page, and
 * the agent's resend countdown. Screenshots land in test/artifacts/identity-*-390.png. Nothing is
 * wider than the screen, and buttons are at least 44 px high.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '#infra/seed/registries.ts';
import { codeIn, lastSmsId, registerWithCode, smsTo } from '../integration/identity-helpers.ts';
import { launchBrowser, portalUrl, screenshot, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

const person = (name: string) => population.find((p) => p.name === name)!;
const lin = person('林雪');
const luo = person('罗平');

let tb: TestBrowser;
beforeAll(async () => {
  tb = await launchBrowser();
  // Registered through the API (from their own loopback addresses), so the pages have accounts to work on.
  expect((await registerWithCode('127.0.0.71', lin, 'Lin2026first')).status).toBe(201);
  expect((await registerWithCode('127.0.0.72', luo, 'Luo2026first')).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await tb?.close();
});

async function open390(browser: Browser, path: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await context.addInitScript('globalThis.__name ??= (f) => f;');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // 4xx answers the pages show to the person are expected; other console errors are not.
    if (msg.type() === 'error' && !msg.text().includes('Failed to load resource')) errors.push(msg.text());
  });
  await page.goto(portalUrl(path), { waitUntil: 'networkidle', timeout: 15_000 });
  return { page, errors };
}

/** Nothing sticks out sideways, and every visible button of the page's main part is a proper touch target. */
async function fitsPhone(page: Page) {
  const { width, small } = await page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    small: [...document.querySelectorAll('main button, main .button')]
      .map((b) => b.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0 && r.height < 43.5).length,
  }));
  expect(width).toBeLessThanOrEqual(390);
  expect(small).toBe(0);
}

describe('找回密码 by phone and by identity', () => {
  it('resets by SMS code with a countdown, then offers the reclaim by identity', async () => {
    const { page, errors } = await open390(tb.browser, '/account/reset/');
    await page.getByRole('heading', { name: '找回密码' }).waitFor();
    await page.getByLabel('手机号码').fill(lin.phone);
    const before = await lastSmsId(lin.phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByRole('button', { name: /重新获取（\d+ 秒）/ }).waitFor();
    expect(await page.getByRole('button', { name: /重新获取/ }).isDisabled()).toBe(true);
    const code = codeIn((await smsTo(lin.phone, /重置登录密码/, before)).message);
    await page.getByLabel('短信验证码').fill(code === '000000' ? '111111' : '000000');
    await page.getByLabel('新密码', { exact: true }).fill('Lin2026second');
    await page.getByLabel('再次输入新密码').fill('Lin2026second');
    await fitsPhone(page);
    await screenshot(page, 'identity-reset-code-390');
    await page.getByRole('button', { name: '设置新密码' }).click();
    await page.getByText('验证码不正确，还可尝试 4 次').waitFor();
    await page.getByLabel('短信验证码').fill(code);
    await page.getByRole('button', { name: '设置新密码' }).click();
    await page.getByText(/新密码已设置，原密码已失效/).waitFor();
    await screenshot(page, 'identity-reset-done-390');

    await page.goto(portalUrl('/account/reset/?mode=reclaim'), { waitUntil: 'networkidle' });
    await page.getByLabel('身份证号码').waitFor();
    expect(await page.getByRole('button', { name: '身份找回' }).getAttribute('aria-pressed')).toBe('true');
    await fitsPhone(page);
    await screenshot(page, 'identity-reclaim-390');
    expect(errors).toEqual([]);
  }, 90_000);

  it('registering an identity already taken offers the reclaim, which sends the code to the registry phone', async () => {
    const { page } = await open390(tb.browser, '/register/');
    await page.getByLabel('真实姓名').fill(lin.name);
    await page.getByLabel('身份证号码').fill(lin.idNumber);
    await page.getByLabel('手机号码').fill(lin.phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    const offer = page.getByTestId('reclaim-offer');
    await offer.waitFor();
    expect(await offer.textContent()).toContain('找回账户');
    await fitsPhone(page);
    await screenshot(page, 'identity-register-taken-390');
    await offer.getByRole('link', { name: '找回账户' }).click();
    await page.waitForURL(/\/account\/reset\/\?mode=reclaim/);
    // The name and ID came along (this tab only); the code goes to the registry's phone.
    await expect.poll(() => page.getByLabel('身份证号码').inputValue()).toBe(lin.idNumber);
    const before = await lastSmsId(lin.phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(/验证码已发送至 139\*\*\*\*0014/).waitFor();
    const code = codeIn((await smsTo(lin.phone, /找回以您身份证号码注册的账户/, before)).message);
    await page.getByLabel('短信验证码').fill(code);
    await page.getByLabel('新密码', { exact: true }).fill('Lin2026third');
    await page.getByLabel('再次输入新密码').fill('Lin2026third');
    await page.getByRole('button', { name: '设置新密码' }).click();
    await page.getByText(/账户已找回/).waitFor();
  }, 90_000);
});

describe('SMS-code sign-in on the identity provider’s page', () => {
  it('asks for a code with a countdown and signs in with it', async () => {
    const { page, errors } = await open390(tb.browser, '/login/?return=/account/');
    await page.waitForURL(/\/oidc\/interaction\//, { timeout: 10_000 });
    await page.getByRole('link', { name: /忘记密码/ }).waitFor();
    await fitsPhone(page);
    await screenshot(page, 'identity-login-390');
    await page.getByText('短信验证码方式').click();
    await page.getByLabel('手机号码', { exact: true }).fill(luo.phone);
    const before = await lastSmsId(luo.phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByRole('button', { name: /重新获取（\d+ 秒）/ }).waitFor();
    const code = codeIn((await smsTo(luo.phone, /短信验证码登录/, before)).message);
    await page.getByLabel('短信验证码').fill(code);
    await fitsPhone(page);
    await screenshot(page, 'identity-login-sms-390');
    await page.getByRole('button', { name: '提交验证码' }).click();
    await page.waitForURL(/\/account\/$/, { timeout: 15_000 });
    expect(await page.getByTestId('signed-in').textContent()).toContain(luo.name);
    await page.getByRole('heading', { name: '账户安全' }).waitFor();
    await screenshot(page, 'identity-account-390');
    expect(errors).toEqual([]);
  }, 90_000);
});

describe('the agent’s code step', () => {
  it('sends the code to the person and counts down before a resend', async () => {
    const { page } = await open390(tb.browser, '/agent/');
    await signIn(page, page.getByRole('link', { name: '登录' }).last(), 'daiban-xuege');
    if (!page.url().includes('/agent/')) await page.goto(portalUrl('/agent/'), { waitUntil: 'networkidle' });
    await page.getByLabel('被代办人姓名').fill(luo.name);
    await page.getByLabel('被代办人身份证号码').fill(luo.idNumber);
    await page.getByLabel('授权委托书编号').fill('SQWT-E2E-0001');
    await page.getByRole('button', { name: '发送验证码到本人手机' }).click();
    await page.getByRole('button', { name: /重新发送（\d+ 秒）/ }).waitFor();
    await page.getByText(/验证码已发送到本人手机 139\*\*\*\*0015/).waitFor();
    await fitsPhone(page);
    await screenshot(page, 'identity-agent-code-390');
  }, 90_000);
});
