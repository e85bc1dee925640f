/**
 * One-stop login in a real browser, phone size: register a person with live checksum feedback and
 * the SMS code sent to their phone (read from the dev outbox), sign in through the identity
 * provider's own login page (code + PKCE), land on 我的账户 with "我的办件", see the name in the
 * header, and sign out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '#infra/seed/registries.ts';
import { codeIn, smsTo } from '../integration/identity-helpers.ts';
import { launchBrowser, openPage, portalUrl, screenshot, type TestBrowser } from './browser.ts';

let tb: TestBrowser;
beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await tb?.close();
});

describe('register, sign in, 我的办件', () => {
  it('works end to end on a phone', async () => {
    const me = population.find((p) => p.name === '郑敏')!;
    const { page, errors } = await openPage(tb.browser, portalUrl('/register/'));
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.getByLabel('真实姓名').fill(me.name);
    // A wrong check character is caught in the browser before anything is sent.
    await page
      .getByLabel('身份证号码')
      .fill(`${me.idNumber.slice(0, 17)}${me.idNumber[17] === '1' ? '2' : '1'}`);
    await expect.poll(() => page.getByText('身份证号码校验位不正确').count()).toBe(1);
    await page.getByLabel('身份证号码').fill(me.idNumber);
    await expect.poll(() => page.getByText('身份证号码校验位不正确').count()).toBe(0);
    await page.getByLabel('手机号码').fill(me.phone);
    // The code goes to the phone the registry holds; the button counts down before a resend.
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByRole('button', { name: /重新获取（\d+ 秒）/ }).waitFor();
    await page.getByText(/验证码已发送至 139\*\*\*\*0008/).waitFor();
    const code = codeIn((await smsTo(me.phone, /注册个人账号/)).message);
    await page.getByLabel('短信验证码').fill(code);
    await page.getByLabel('设置密码').fill('Zheng2026pass');
    await page.getByLabel('再次输入密码').fill('Zheng2026pass');
    await page.getByRole('button', { name: '注册并实名认证' }).click();
    await page.getByText('注册成功').waitFor({ timeout: 10_000 });

    await page.getByRole('link', { name: '去登录' }).click();
    await page.waitForURL(/\/oidc\/interaction\//, { timeout: 10_000 });
    expect(await page.locator('h1').textContent()).toBe('统一身份认证登录');
    await page.getByLabel('手机号码或用户名').fill(me.phone);
    await page.getByLabel('密码').fill('wrong-pass1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('还可尝试 4 次').waitFor();
    await page.getByLabel('密码').fill('Zheng2026pass');
    await page.getByRole('button', { name: '登录' }).click();

    await page.waitForURL(/\/account\/$/, { timeout: 15_000 });
    await page.getByRole('heading', { name: '我的办件' }).waitFor();
    await page.getByText('暂无办件').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('signed-in').textContent()).toContain('郑敏');
    expect(await page.getByText(me.idNumber).count()).toBe(1);
    await screenshot(page, 'identity-account-phone');

    await page.getByRole('button', { name: '退出', exact: true }).click();
    await page.getByRole('button', { name: '确定退出' }).click();
    await page.waitForURL((u) => u.pathname === '/', { timeout: 10_000 });
    await page.getByRole('link', { name: '登录' }).first().waitFor();
    // The one refused request is the wrong password (the login page answers it with 401).
    expect(failed).toEqual([expect.stringMatching(/^401 \/oidc\/interaction\/[\w-]+\/login$/)]);
    // Load failures are checked precisely above (the browser's favicon probe is not a page response).
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  }, 90_000);
});
