/**
 * A session revoked while a page is open (web/lib/auth.ts): an agent has typed a person's name, ID
 * number and authorisation number when their sessions are ended elsewhere (退出所有设备). Sending is
 * refused (the token is revoked, the refresh too); the page keeps what was typed and says 登录已失效;
 * 重新登录 signs in in a small window that hands the new session back; sending again works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '#infra/seed/registries.ts';
import { registerWithCode } from '../integration/identity-helpers.ts';
import { call, eventually, login } from '../support/client.ts';
import { launchBrowser, openPage, portalUrl, screenshot, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

// Ending every session of a demo account would end the tokens other test files hold for it: this
// file registers its own two people (an agent and an applicant) from the registry's spares.
const PASSWORD = 'Revoked2026pass';
const registryPerson = (name: string) => population.find((p) => p.name === name)!;
const person = registryPerson('张三');
const AGENT = registryPerson('孔燕').phone;
const APPLICANT = registryPerson('宋涛').phone;
let tb: TestBrowser;

beforeAll(async () => {
  const agent = await registerWithCode('127.0.0.41', registryPerson('孔燕'), PASSWORD);
  expect(agent.status).toBe(201);
  expect((await registerWithCode('127.0.0.42', registryPerson('宋涛'), PASSWORD)).status).toBe(201);
  const change = await call('PUT', `/api/accounts/${agent.body.account.sub}/roles`, {
    token: await login('operator'),
    body: {
      roles: ['applicant', 'agent'],
      hall: 'qiaocheng',
      agentPoint: '谯城区测试代办点',
      village: '测试村',
    },
  });
  expect(change.status).toBe(200);
  tb = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await tb?.close();
});

describe('a session ended elsewhere while typing', () => {
  it('keeps what was typed, signs in again in a small window, and sends it then', async () => {
    const { page, errors } = await openPage(tb.browser, portalUrl('/agent/'));
    const failed = new Set<string>();
    page.on('response', (r) => {
      if (r.status() >= 400) failed.add(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await signIn(page, page.getByRole('link', { name: '登录' }).last(), AGENT, PASSWORD);
    if (!page.url().includes('/agent/')) await page.goto(portalUrl('/agent/'), { waitUntil: 'networkidle' });
    const typed: [string, string][] = [
      ['被代办人姓名', person.name],
      ['被代办人身份证号码', person.idNumber],
      ['授权委托书编号', 'SQWT-E2E-REVOKED'],
    ];
    for (const [label, value] of typed) await page.getByLabel(label).fill(value);

    // Another device: 退出所有设备. This tab's token and its refresh token end.
    const elsewhere = await login(AGENT, PASSWORD);
    expect((await call('DELETE', '/api/account/sessions', { token: elsewhere })).status).toBe(200);
    // Within the few seconds a Lambda trusts what it read, the old token still works: wait them out.
    const tabToken = await page.evaluate(
      () => JSON.parse(sessionStorage.getItem('bozhou.auth')!).accessToken,
    );
    await eventually(async () => {
      const r = await call('GET', '/api/agent/mandates', { token: tabToken });
      return r.status === 401 ? r : undefined;
    }, 'the tab’s token refused');

    const send = page.getByRole('button', { name: '发送验证码到本人手机' });
    await send.click();
    const ended = page.getByTestId('session-ended');
    await ended.waitFor({ timeout: 20_000 });
    await page.getByRole('alert').filter({ hasText: '本页已填写的内容会保留' }).waitFor();
    for (const [label, value] of typed) expect(await page.getByLabel(label).inputValue()).toBe(value);
    await screenshot(page, 'session-ended-phone');

    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      ended.getByRole('button', { name: '重新登录' }).click(),
    ]);
    await popup.waitForURL(/\/oidc\/interaction\//, { timeout: 15_000 });
    await popup.getByLabel('手机号码或用户名').fill(AGENT);
    await popup.getByLabel('密码').fill(PASSWORD);
    await Promise.all([
      popup.waitForEvent('close', { timeout: 15_000 }),
      popup.getByRole('button', { name: '登录' }).click(),
    ]);

    // Back in the tab: signed in, the same page and text; sending works now.
    await page.getByTestId('signed-in').waitFor();
    for (const [label, value] of typed) expect(await page.getByLabel(label).inputValue()).toBe(value);
    await send.click();
    await page.getByText(/验证码已发送到本人手机 138\*\*\*\*0001/).waitFor({ timeout: 15_000 });
    // Refused were the request (401) and the refresh (400 invalid_grant), nothing else; no page error.
    expect([...failed].sort()).toEqual(['400 /oidc/token', '401 /api/agent/mandates']);
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 90_000);

  it('退出所有设备 in 我的账户 ends this tab and the other devices', async () => {
    const other = await login(APPLICANT, PASSWORD);
    const { page, errors } = await openPage(tb.browser, portalUrl('/account/'));
    await signIn(page, page.getByRole('link', { name: '登录' }).last(), APPLICANT, PASSWORD);
    if (!page.url().includes('/account/'))
      await page.goto(portalUrl('/account/'), { waitUntil: 'networkidle' });
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: '退出所有设备' }).click();
    await page.waitForURL((u) => u.pathname === '/', { timeout: 15_000 });
    await page.getByRole('link', { name: '登录' }).first().waitFor();
    await eventually(async () => {
      const r = await call('GET', '/api/account', { token: other });
      return r.status === 401 ? r : undefined;
    }, 'the other device’s token refused');
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  }, 60_000);
});
