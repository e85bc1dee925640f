/**
 * 在线咨询 in the portal, on a phone: from an item's guide 我要咨询, a person without an account asks
 * with their phone and an SMS code; staff of the department answer in their console (desktop) and
 * publish it as an FAQ; the person opens 我的咨询, reads the answer and rates it; the guide shows the
 * FAQ. Screenshots (phone/desktop × normal/care) go to test/artifacts/consult-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/client.ts';
import { launchBrowser, newContext, portalUrl, screenshotsOf, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

const HALL = 'qiaocheng';
/** A phone nobody registered: the anonymous asker. */
const PHONE = '13700053001';
const QUESTION = '请问办理这个事项需要本人到现场吗？可以委托家人代办吗？';
let tb: TestBrowser;
let itemCode = '';
let staffUser = '';

beforeAll(async () => {
  tb = await launchBrowser();
  const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as any[];
  const sl = accounts.find((a) => a.role === 'staff' && a.hall === HALL && a.posts.includes('受理'));
  staffUser = sl.username;
  const items = await call('GET', `/api/items?hallId=${HALL}&deptCode=${sl.dept}&limit=5`);
  itemCode = items.body.items[1]?.code ?? items.body.items[0].code;
}, 60_000);

afterAll(async () => {
  await tb?.close();
});

const shoot = (page: Page, name: string) => screenshotsOf(page, `consult-${name}`);

async function smsCode(): Promise<string> {
  for (let i = 0; i < 150; i++) {
    const out = await call('GET', '/api/dev/outbox');
    const m = (out.body.messages as any[]).find(
      (x) => x.phoneNumber === `+86${PHONE}` && /在线咨询.*验证码 \d{6}/.test(x.message),
    );
    if (m) return /验证码 (\d{6})/.exec(m.message)![1];
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no consult code');
}

describe('在线咨询 in the portal', () => {
  it('ask on a phone without an account, staff answer, the person reads and rates it', async () => {
    const phone = await newContext(tb.browser, 'phone');
    const page = await phone.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('response', (res) => res.status() >= 400 && errors.push(`${res.status()} ${res.url()}`));

    // The guide offers 我要咨询.
    await page.goto(portalUrl(`/item/?code=${encodeURIComponent(itemCode)}`), { waitUntil: 'networkidle' });
    const entry = page.getByTestId('item-consult');
    await entry.waitFor({ timeout: 20_000 });
    await entry.scrollIntoViewIfNeeded();
    await shoot(page, 'guide-entry');
    await entry.getByTestId('consult-ask').click();
    await page.waitForURL(/\/consult\/\?item=/);

    // Ask: question, phone, SMS code.
    const form = page.getByTestId('consult-form');
    await form.waitFor({ timeout: 15_000 });
    await form.getByLabel('您的问题').fill(QUESTION);
    await form.getByLabel('手机号码（用于接收答复通知）').fill(PHONE);
    await form.getByRole('button', { name: '获取验证码' }).click();
    await form.getByText(/验证码已发送至/).waitFor({ timeout: 15_000 });
    await form.getByLabel('短信验证码').fill(await smsCode());
    await shoot(page, 'ask');
    await form.getByRole('button', { name: '提交咨询' }).click();
    const asked = page.getByTestId('consult-asked');
    await asked.waitFor({ timeout: 15_000 });
    const consultNo = ((await asked.locator('dd').first().textContent()) ?? '').trim();
    expect(consultNo).toMatch(/^ZX\d{6}-\d{8}-[0-9A-Z]{6}$/);
    await shoot(page, 'asked');

    // Staff of the department answer in their console, and publish it as an FAQ.
    const desk = await newContext(tb.browser, 'desktop');
    const staff = await desk.newPage();
    await staff.goto(portalUrl('/staff/'), { waitUntil: 'networkidle' });
    await signIn(staff, staff.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }), staffUser);
    const card = staff.getByTestId('staff-consultation').filter({ hasText: consultNo });
    await card.waitFor({ timeout: 20_000 });
    await card.scrollIntoViewIfNeeded();
    await shoot(staff, 'staff-open');
    await card.getByRole('button', { name: '提交答复' }).click();
    await card.getByText('请填写答复内容').waitFor();
    await card
      .getByLabel('答复（将短信通知提问人查看）')
      .fill('可以委托家人代办，请代办人携带双方身份证原件和授权委托书到窗口办理。');
    await card.getByRole('button', { name: '提交答复' }).click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await staff.getByRole('button', { name: '已答复' }).click();
    const answered = staff.getByTestId('staff-consultation').filter({ hasText: consultNo });
    await answered.waitFor({ timeout: 15_000 });
    await answered.getByRole('button', { name: '公开为常见问题' }).click();
    await answered.getByLabel('公开的问题').fill('办理本事项可以委托家人代办吗？');
    await shoot(staff, 'staff-faq');
    await answered.getByRole('button', { name: '公开', exact: true }).click();
    await staff
      .getByTestId('staff-consultation')
      .filter({ hasText: consultNo })
      .getByText(/已公开为常见问题/)
      .waitFor({ timeout: 15_000 });
    await desk.close();

    // The person reads the answer in 我的咨询 (the phone proved in this tab) and rates it.
    await page.goto(portalUrl('/consult/mine/'), { waitUntil: 'networkidle' });
    const mine = page.getByTestId('consultation').filter({ hasText: consultNo });
    await mine
      .getByTestId('consult-answer')
      .waitFor({ timeout: 20_000 })
      .catch(async (err) => {
        throw new Error(
          `${err.message}\npage: ${await page.locator('main').textContent()}\n${errors.join('\n')}`,
        );
      });
    await shoot(page, 'mine-answered');
    await mine.getByRole('radio', { name: '满意', exact: true }).check();
    await mine.getByRole('button', { name: '提交评价' }).click();
    await mine.getByTestId('consult-rated').getByText('满意').waitFor({ timeout: 15_000 });
    expect(await mine.getByTestId('consult-rate').count()).toBe(0);
    await shoot(page, 'mine-rated');

    // The guide shows the FAQ, in the department's words only.
    await page.goto(portalUrl(`/item/?code=${encodeURIComponent(itemCode)}`), { waitUntil: 'networkidle' });
    const faq = page.getByTestId('item-faq');
    await faq.getByText('办理本事项可以委托家人代办吗？').waitFor({ timeout: 20_000 });
    await faq.getByText('办理本事项可以委托家人代办吗？').click();
    expect(await faq.textContent()).not.toContain(PHONE.slice(-4));
    await faq.scrollIntoViewIfNeeded();
    await shoot(page, 'guide-faq');
    await phone.close();
    expect(errors).toEqual([]);
  }, 180_000);
});
