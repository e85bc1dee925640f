/**
 * 网上缴费 on a phone, as the applicant does it: the case page shows the 缴款通知书 and 去缴费; the
 * local payment gateway's cashier (Alipay's protocol) takes the payment; the portal's return page
 * confirms it, and the electronic receipt opens from there. Screenshots go to test/artifacts/.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { population } from '#infra/seed/registries.ts';
import { registerWithCode } from '../integration/identity-helpers.ts';
import { call, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';
import {
  ARTIFACTS_DIR,
  launchBrowser,
  newContext,
  portalUrl,
  screenshot,
  screenshotsOf,
  type TestBrowser,
} from './browser.ts';
import { signIn } from './session.ts';

const HALL = 'qiaocheng';
const api = (p: string) => `/api/halls/${HALL}${p}`;
const me = population.find((p) => p.name === '费志诚')!;
const PASSWORD = 'Payment@2026b';
let tb: TestBrowser;
let caseNo = '';

beforeAll(async () => {
  tb = await launchBrowser();
  const reg = await registerWithCode('127.0.0.62', me, PASSWORD);
  expect([201, 409]).toContain(reg.status);
  const token = await login(me.phone, PASSWORD);
  const found = await call(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('居民身份证补领')}&limit=10`,
  );
  const code = (found.body.items as { code: string; name: string }[]).find(
    (i) => i.name === '居民身份证补领',
  )!.code;
  const guide = (await call('GET', `/api/items/${encodeURIComponent(code)}`)).body;
  const key = randomUUID();
  const filed = await call('POST', api('/cases'), {
    token,
    body: await withMaterials(
      token,
      HALL,
      { itemCode: code, form: exampleForm(guide.applicationForm, { phone: me.phone }) },
      key,
    ),
    headers: { 'idempotency-key': key },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  caseNo = filed.body.caseNo;
}, 120_000);

afterAll(async () => {
  await tb?.close();
});

describe('网上缴费 in the portal', () => {
  it('the applicant pays a 工本费 at the cashier on a phone and gets the receipt', async () => {
    const context = await newContext(tb.browser, 'phone');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    await page.goto(portalUrl(`/staff/case/?no=${caseNo}`), { waitUntil: 'networkidle' });
    await signIn(
      page,
      page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
      me.phone,
      PASSWORD,
    );
    const panel = page.getByTestId('pay-panel');
    await panel.getByText('缴款通知书').waitFor({ timeout: 15_000 });
    await panel.getByText('20.00 元').first().waitFor();
    await screenshotsOf(page, 'payment-notice');
    await panel.getByRole('button', { name: /去缴费/ }).click();
    // The provider's cashier (another origin): pay.
    await page.getByRole('button', { name: '确认付款' }).waitFor({ timeout: 15_000 });
    expect(await page.getByText('20.00').count()).toBeGreaterThan(0);
    await screenshot(page, 'payment-cashier-phone');
    const started = Date.now();
    await page.getByRole('button', { name: '确认付款' }).click();
    await page.waitForURL(/\/pay\/\?hall=/, { timeout: 15_000 });
    await page.getByTestId('pay-result').getByText('缴费成功').waitFor({ timeout: 30_000 });
    console.info(`payment in the browser (确认付款 → 缴费成功 shown): ${Date.now() - started} ms`);
    await screenshot(page, 'payment-done-phone');
    await page.getByRole('link', { name: '查看电子缴款凭证' }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.getByText('电子缴款凭证').waitFor({ timeout: 15_000 });
    await receipt.getByText(caseNo).waitFor();
    await screenshotsOf(page, 'payment-receipt');
    // Back on the case: paid, and no second payment offered.
    await page.goto(portalUrl(`/staff/case/?no=${caseNo}`), { waitUntil: 'networkidle' });
    await page
      .getByTestId('pay-panel')
      .getByText(/已于.*缴费/)
      .waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: /去缴费/ }).count()).toBe(0);
    await screenshot(page, 'payment-paid-phone');
    // The SMS link opens the progress page in one tap, no query code typed.
    const outbox = (await call('GET', '/api/dev/outbox')).body.messages as {
      phoneNumber: string;
      message: string;
    }[];
    const sms = outbox.find(
      (m) =>
        m.phoneNumber === `+86${me.phone}` && m.message.includes(caseNo) && m.message.includes('查看进度：'),
    );
    const link = /查看进度：(\S+)/.exec(sms!.message)![1];
    await page.goto(link, { waitUntil: 'networkidle' });
    await page.getByText(caseNo).first().waitFor({ timeout: 15_000 });
    await page.getByText('已受理，办理中').or(page.getByText('已申办，待受理')).first().waitFor();
    await screenshot(page, 'payment-sms-link-progress-phone');
    await context.close();
    expect(errors).toEqual([]);
  }, 180_000);

  it('the apply page asks how the result is to be delivered, and checks a postal address', async () => {
    const context = await newContext(tb.browser, 'phone');
    const page = await context.newPage();
    // 社会保障卡补领、换领: 自取 or 邮寄.
    await page.goto(portalUrl('/apply/?code=11341602MB8184211C-2000038-000'), { waitUntil: 'networkidle' });
    await signIn(
      page,
      page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
      me.phone,
      PASSWORD,
    );
    const choice = page.getByTestId('delivery-choice');
    await choice.waitFor({ timeout: 15_000 });
    expect(await choice.getByRole('radio').count()).toBe(2);
    await choice.getByRole('radio', { name: /邮寄送达/ }).check();
    await choice.getByLabel('收件人').fill('费志诚');
    await choice.getByLabel('手机号码').fill('1391234');
    await page.getByRole('button', { name: '提交申请' }).click();
    await choice.getByText('请填写收件人的手机号码（11 位）').waitFor();
    await choice.getByText(/请填写详细地址/).waitFor();
    await choice.scrollIntoViewIfNeeded();
    await choice.screenshot({ path: join(ARTIFACTS_DIR, 'delivery-choice-errors-phone.png') });
    await page.getByTestId('care-toggle').click();
    await choice.screenshot({ path: join(ARTIFACTS_DIR, 'delivery-choice-errors-phone-care.png') });
    await context.close();
  }, 120_000);
});
